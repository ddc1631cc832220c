import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import type { EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { freePort } from '../support/arena-process';
import { bearer } from '../support/moderation';
import { startPostgresServer } from '../support/postgres-server';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

type Ack = { ok: boolean; data?: { seq: number }; error?: { code: string; details?: { retryable?: boolean } } };

/**
 * Issue 17 (2): PostgreSQL stopped and started again under a running Arena. A second embedded server of
 * this test's own, so stopping it touches nobody else's tests.
 */
describe('PostgreSQL away and back', () => {
  const root = join(__dirname, '..', '..', '.data');
  let dir: string;
  let port: number;
  let server: EmbeddedDatabase;
  let arena: TestApp;
  const unexpected: unknown[] = [];
  const onUnexpected = (error: unknown) => unexpected.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', onUnexpected);
    process.on('unhandledRejection', onUnexpected);
    // Made by the server's start with 0755: PostgreSQL runs as its own user and must reach it (mkdtemp's 0700 does not do).
    dir = join(root, `away-pg-${process.pid}-${randomBytes(3).toString('hex')}`);
    port = await freePort();
    server = await startPostgresServer(dir, port);
    await runMigrations(server.url('arena'));
    arena = await createTestApp(
      { ...UNTHROTTLED, DB_BREAKER_VOLUME_THRESHOLD: '3', DB_BREAKER_RESET_MS: '1500', DB_BREAKER_WINDOW_MS: '5000' },
      server.url('arena'),
    );
  }, 60_000);
  afterAll(async () => {
    process.off('uncaughtException', onUnexpected);
    process.off('unhandledRejection', onUnexpected);
    await arena?.close();
    await server?.stop().catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const bump = (socket: Socket, roomId: string, actionId = aid('bump')) =>
    ask<Ack>(socket, 'game:action', { actionId, roomId, action: { type: 'bump' } }).then((ack) => ({ actionId, ack }));
  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };
  const circuit = async () => {
    const text = (await arena.http().get('/metrics')).text;
    return /arena_database_circuit_state\{state="(\w+)"\} 1/.exec(text)?.[1];
  };

  it('fails fast with a retryable 503 while it is away, reports it, and serves again when it is back; nothing is lost or doubled', async () => {
    const token = await arena.guest('Steady');
    const socket = await arena.socket(token);
    const room = await ok(socket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 1 });
    await ok(socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    const before = await Promise.all(Array.from({ length: 5 }, () => bump(socket, room.roomId)));
    expect(before.every(({ ack }) => ack.ok)).toBe(true);
    expect(await circuit()).toBe('closed');

    // Actions in flight when PostgreSQL stops: each is acknowledged after its commit, or refused.
    const inFlight = Promise.all(Array.from({ length: 20 }, () => bump(socket, room.roomId)));
    await server.stop();
    const caught = await inFlight;

    // While it is away: every socket action and REST call is refused at once, retryable.
    const actions = [];
    const calls = [];
    for (let i = 0; i < 8; i += 1) {
      actions.push(await timed(() => bump(socket, room.roomId)));
      calls.push(await timed(() => arena.http().get('/me').set(bearer(token))));
    }
    for (const { result, ms } of actions) {
      expect(result.ack).toMatchObject({
        ok: false,
        error: { code: 'SERVICE_UNAVAILABLE', details: { retryable: true } },
      });
      expect(ms).toBeLessThan(500);
    }
    for (const { result, ms } of calls) {
      expect(result.status).toBe(503);
      expect(result.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryable: true } });
      expect(ms).toBeLessThan(500);
    }
    const slowest = Math.max(...[...actions, ...calls].map((c) => c.ms));
    console.log(`database away: slowest refusal of 16 (8 socket actions, 8 REST calls) took ${slowest.toFixed(1)} ms`);
    expect(await circuit()).toBe('open');
    const health = await arena.http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body.message).toContain('database');
    expect(health.body.details.error.database.status).toBe('down');

    // Back on the same port: the same process serves again, through half-open, without a restart.
    server = await startPostgresServer(dir, port);
    const backBy = Date.now() + 10_000;
    while ((await arena.http().get('/health')).status !== 200) {
      if (Date.now() > backBy) throw new Error('Arena did not report healthy within 10 s of PostgreSQL returning');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await circuit()).toBe('closed');
    await arena.http().get('/me').set(bearer(token)).expect(200);

    // Every refused action, retried with its id, lands once; an acknowledged one answers its first result.
    const retried = await Promise.all(
      [...caught, ...actions.map((a) => a.result)].map(({ actionId }) => bump(socket, room.roomId, actionId)),
    );
    expect(retried.every(({ ack }) => ack.ok)).toBe(true);
    for (const first of caught.filter(({ ack }) => ack.ok)) {
      expect(retried.find((r) => r.actionId === first.actionId)?.ack.data?.seq).toBe(first.ack.data?.seq);
    }
    const db = new Client({ connectionString: server.url('arena') });
    await db.connect();
    try {
      const events = await db.query<{ action_id: string; seq: number }>(
        `SELECT action_id, seq FROM room_events WHERE room_id = $1 AND action_id LIKE '%:bump-%' ORDER BY seq`,
        [room.roomId],
      );
      const ids = [...before, ...retried].map(({ actionId }) => actionId).sort();
      // Stored under the sender's user id: `<userId>:<actionId>`.
      const stored = events.rows.map((row) => ({ ...row, action_id: row.action_id.replace(/^[^:]+:/, '') }));
      expect(stored.map((row) => row.action_id).sort()).toEqual(ids);
      for (const { actionId, ack } of retried)
        expect(stored.find((row) => row.action_id === actionId)?.seq).toBe(ack.data?.seq);
      const snapshot = await db.query<{ state: { game: { counter: number } } }>(
        'SELECT state FROM rooms WHERE id = $1',
        [room.roomId],
      );
      expect(snapshot.rows[0].state.game.counter).toBe(ids.length);
    } finally {
      await db.end();
    }
    console.log(
      `in flight when PostgreSQL stopped: ${caught.filter(({ ack }) => ack.ok).length} acknowledged, ` +
        `${caught.filter(({ ack }) => !ack.ok).length} refused (${[...new Set(caught.filter(({ ack }) => !ack.ok).map(({ ack }) => ack.error?.code))].join(', ')})`,
    );
    expect(unexpected).toEqual([]);
  }, 60_000);
});
