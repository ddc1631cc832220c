import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { openDatabaseServer } from './database/database-server';
import { runMigrations } from './database/migrate';
import { ROLES, type Role } from './identity/caller';
import { IdentityService } from './identity/identity.service';

const USAGE = `usage: npm run arena -- <command>
  grant-role <username> <player|moderator|admin>   give a registered user a role (e.g. the first admin)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'grant-role' || args.length !== 2 || !ROLES.includes(args[1] as Role)) {
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
    const user = await app.get(IdentityService).grantRole(args[0], args[1] as Role);
    process.stdout.write(`${user.username} is now ${user.role}\n`);
    return 0;
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
