import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { configureApp } from '../../src/configure-app';
import type { ClientEvent } from '../../src/realtime/on-event.decorator';
import { testDatabaseUrl } from './per-file-database';

/** Limits no test of these files means to hit: tests that exercise throttling set their own. */
export const UNTHROTTLED = {
  THROTTLE_USER_LIMIT: '100000',
  THROTTLE_IP_LIMIT: '100000',
  THROTTLE_AUTH_LIMIT: '100000',
};

/** Short room timers for tests that play games to the end. */
export const FAST_ROOMS = {
  ...UNTHROTTLED,
  DEADLINE_SWEEP_INTERVAL_MS: '25',
  DEADLINE_LEASE_MS: '1000',
  BOT_DELAY_MS: '5',
};

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  url: string;
  databaseUrl: string;
  http: () => ReturnType<typeof request>;
  /** A guest session token. */
  guest(displayName?: string): Promise<string>;
  /** A connected socket for this token (closed by `close`), declaring these protocol features. */
  socket(token: string, features?: string[]): Promise<Socket>;
  /** A socket that is not connected yet, for handshake tests. */
  rawSocket(auth?: Record<string, unknown>): Socket;
  close(): Promise<void>;
}

/**
 * The in-process Arena on this file's own database, listening on a free port, exactly as `main`
 * configures it; `env` overrides configuration variables. The bench game (a counter any seat bumps, off in
 * production) is registered: tests use it as the simplest game.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  databaseUrl?: string,
  /** Runs after the app is configured as `main` does, before it listens (e.g. another socket adapter). */
  customize?: (app: INestApplication, config: AppConfig) => void,
): Promise<TestApp> {
  const dbUrl = databaseUrl ?? (await testDatabaseUrl());
  // A small pool: jest's two workers, each with up to three apps at once, stay well under a default
  // server's max_connections of 100, and exactly-once must not need more connections than that.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: dbUrl,
    DATABASE_POOL_SIZE: '8',
    ARENA_BENCH_GAME: '1',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ config, databaseUrl: dbUrl })],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false });
  configureApp(app, config);
  customize?.(app, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const sockets: Socket[] = [];
  let names = 0;

  const rawSocket = (auth?: Record<string, unknown>) => {
    const socket = io(url, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
    });
    sockets.push(socket);
    return socket;
  };

  return {
    app,
    config,
    url,
    databaseUrl: dbUrl,
    http: () => request(app.getHttpServer()),
    async guest(displayName = `Player ${++names}`) {
      const response = await request(app.getHttpServer()).post('/auth/guest').send({ displayName }).expect(201);
      return response.body.token as string;
    },
    socket(token: string, features?: string[]) {
      const socket = rawSocket(features ? { token, features } : { token });
      return new Promise<Socket>((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
        socket.connect();
      });
    },
    rawSocket,
    async close() {
      for (const socket of sockets) socket.disconnect();
      await app.close();
    },
  };
}

/** Emits an event of the protocol map (`src/protocol`) with an ack and resolves with the reply. */
export function ask<T = any>(socket: Socket, event: ClientEvent, ...args: unknown[]): Promise<T> {
  return askRaw<T>(socket, event, ...args);
}

/** Emits any event name, in or out of the protocol map (for tests of unknown and reserved events). */
export function askRaw<T = any>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<T>;
}

/** Resolves with the next payload of `event` on this socket. */
export function nextEvent<T = any>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}
