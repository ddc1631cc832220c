import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { configureApp } from './configure-app';
import { openDatabaseServer } from './database/database-server';
import { runMigrations } from './database/migrate';

/** Past SHUTDOWN_GRACE_MS, how long closing may take (the pool, an embedded server) before Arena exits anyway. */
const SHUTDOWN_MARGIN_MS = 2000;
/**
 * A second signal this soon after the first is the same Ctrl-C: a terminal sends SIGINT to its whole
 * foreground group, so Arena gets one from the terminal and one forwarded by npm.
 */
const REPEATED_SIGNAL_MS = 1000;

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

  let stoppingSince: number | null = null;
  const stop = async (signal: NodeJS.Signals) => {
    if (stoppingSince !== null) {
      if (Date.now() - stoppingSince < REPEATED_SIGNAL_MS) return;
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    process.stdout.write(`${signal}: shutting down\n`);
    // Whatever the database does (a frozen server never answers the pool's goodbye), the process ends.
    const bound = config.shutdownGraceMs + SHUTDOWN_MARGIN_MS;
    setTimeout(() => {
      process.stderr.write(
        `shutdown did not finish within ${bound} ms (the database is not answering?): exiting now\n`,
      );
      process.exit(1);
    }, bound).unref();
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
