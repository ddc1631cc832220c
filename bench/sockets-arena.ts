import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { configureApp } from '../src/configure-app';
import { SocketEmitter } from '../src/realtime/socket-emitter.service';
import { answerProbes } from './server-probe';

/**
 * `bench:sockets`' Arena: the app as `npm start` builds it, on BENCH_DATABASE_URL (migrated by the bench),
 * throttling out of the way, room for BENCH_SOCKETS connections. Forked by the bench with npm start's node
 * flags and --expose-gc; reports its port over IPC and answers the bench's probes (bench/server-probe.ts),
 * including the SQL statements it sent, counted at pg's Client.query by their text's start.
 */
const statements = new Map<string, number>();
const query = Client.prototype.query as (...args: unknown[]) => unknown;
Client.prototype.query = function (this: Client, ...args: unknown[]) {
  const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '?');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 80);
  statements.set(key, (statements.get(key) ?? 0) + 1);
  return query.apply(this, args);
} as typeof Client.prototype.query;

async function serve(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const passed = (name: string) => (process.env[name] ? { [name]: process.env[name] } : {});
  const config = loadConfig({
    NODE_ENV: 'development',
    ARENA_BENCH_GAME: '1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    THROTTLE_IP_LIMIT: '100000000',
    THROTTLE_USER_LIMIT: '100000000',
    THROTTLE_AUTH_LIMIT: '100000000',
    // Every bench socket comes from a handful of addresses; the in-memory throttler's cost grows with the hits in its window.
    THROTTLE_TTL_MS: '1000',
    WS_MAX_CONNECTIONS: String(Number(process.env.BENCH_SOCKETS ?? 20_000) + 1000),
    ...passed('DATABASE_POOL_SIZE'),
    ...passed('ROOM_CACHE_SIZE'),
  });
  const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl }), {
    bodyParser: false,
    logger: false,
  });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const emitter = app.get(SocketEmitter);
  answerProbes({
    sockets: () => emitter.localConnections(),
    statements: () => {
      const counted = Object.fromEntries(statements);
      statements.clear();
      return counted;
    },
    stop: () => app.close(),
  });
  process.send!({ port: (app.getHttpServer().address() as { port: number }).port });
}

serve().catch((error: unknown) => {
  process.stderr.write(`Arena's bench process failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
