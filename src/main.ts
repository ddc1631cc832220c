import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { configureApp } from './configure-app';
import { openDatabaseServer } from './database/database-server';
import { runMigrations } from './database/migrate';

async function main(): Promise<void> {
  const config = readConfig();
  const logger = pino({ level: config.logLevel, base: { context: 'Arena' } });
  const database = await openDatabaseServer(config);
  if (database.embedded) logger.info(`embedded PostgreSQL under ${config.embeddedPg.dir}`);
  const applied = await runMigrations(database.url);
  if (applied.length > 0) logger.info(`migrations applied: ${applied.join(', ')}`);

  const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl: database.url }), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, config);
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  logger.info(`Arena listening on ${url}`);
  process.stdout.write(`Arena is listening on ${url} (health: ${url}/health, API docs: ${url}/docs)\n`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    try {
      await app.close();
      await database.embedded?.stop();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`shutdown failed: ${(error as Error).stack}\n`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, (s) => void stop(s));
}

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Arena failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
