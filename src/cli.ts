import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { openDatabaseServer } from './database/database-server';
import { runMigrations } from './database/migrate';
import { ROLES, type Role } from './identity/caller';
import { IdentityService } from './identity/identity.service';
import { RoomAuditService } from './telemetry/room-audit.service';

const USAGE = `usage: npm run arena -- <command>
  grant-role <username> <player|moderator|admin>   give a registered user a role (e.g. the first admin)
  verify-rooms                                     fold every stored room's events and report rooms that differ from their snapshot`;

type Command = (app: INestApplicationContext) => Promise<number>;

function parse([command, ...args]: string[]): Command | null {
  if (command === 'grant-role' && args.length === 2 && ROLES.includes(args[1] as Role)) {
    return async (app) => {
      const user = await app.get(IdentityService).grantRole(args[0], args[1] as Role);
      process.stdout.write(`${user.username} is now ${user.role}\n`);
      return 0;
    };
  }
  if (command === 'verify-rooms' && args.length === 0) {
    return async (app) => {
      const report = await app.get(RoomAuditService).verifyAll();
      for (const mismatch of report.mismatches)
        process.stdout.write(`DIFFERS ${mismatch.roomId} at seq ${mismatch.version}: ${mismatch.problem}\n`);
      process.stdout.write(
        `${report.rooms} rooms, ${report.events} events folded; ${report.mismatches.length} differ from their snapshot\n`,
      );
      return report.mismatches.length === 0 ? 0 : 1;
    };
  }
  return null;
}

async function main(argv: string[]): Promise<number> {
  const command = parse(argv);
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const config = { ...loadConfig(), logLevel: 'warn' };
  const database = await openDatabaseServer(config);
  await runMigrations(database.url);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: database.url }), {
    logger: ['error'],
  });
  try {
    return await command(app);
  } finally {
    await app.close();
    await database.embedded?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
