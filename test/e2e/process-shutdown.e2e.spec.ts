import { Redis } from 'ioredis';
import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { startArena, type ArenaProcess } from '../support/arena-process';
import { fileRedis } from '../support/file-redis';
import { testDatabaseUrl } from '../support/per-file-database';
import { aid } from '../support/rooms';
import { tcpProxy } from '../support/tcp-proxy';
import { nextEvent } from '../support/test-app';

/**
 * Arena as an operator runs it: a real process, stopped by signals. Ctrl-C in a terminal reaches it
 * twice (the terminal's and npm's copy); a frozen database must not keep it from exiting.
 */
const GRACE_MS = 1500;
/** The margin past SHUTDOWN_GRACE_MS the README promises. */
const MARGIN_MS = 2000;

function connectSocket(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const guest = async (url: string, displayName: string) =>
  (await request(url).post('/auth/guest').send({ displayName }).expect(201)).body.token as string;

/** Waits for the exit, up to `ms`; a process still running then is killed and reported. */
async function exitWithin(arena: ArenaProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const exit = await Promise.race([arena.exited, late]);
  clearTimeout(timer);
  if (exit === null) {
    arena.child.kill('SIGKILL');
    throw new Error(`Arena was still running ${ms} ms after the signal:\n${arena.output().slice(-3000)}`);
  }
  return exit;
}

describe('Arena as a process', () => {
  let sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets) socket.disconnect();
    sockets = [];
  });

  it('Ctrl-C (SIGINT twice in a moment, from the terminal and from npm) drains, acks what was in flight, and exits 0', async () => {
    const databaseUrl = await testDatabaseUrl();
    const arena = await startArena({ DATABASE_URL: databaseUrl, SHUTDOWN_GRACE_MS: '5000' });
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const socket = await connectSocket(arena.url, await guest(arena.url, 'Ctrl C'));
      sockets.push(socket);
      const room = await socket
        .timeout(5000)
        .emitWithAck('room:create', { actionId: aid(), gameId: 'bench', seatCount: 1 });
      await socket.timeout(5000).emitWithAck('room:start', { actionId: aid(), roomId: room.data.roomId });
      // Another transaction holds the room's row, so the next action is in flight while Arena drains.
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE', [room.data.roomId]);
      const inFlight = socket
        .timeout(10_000)
        .emitWithAck('game:action', { actionId: aid(), roomId: room.data.roomId, action: { type: 'bump' } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const notice = nextEvent(socket, 'server:shutdown', 10_000);
      notice.catch(() => undefined); // reported below, not as an unhandled rejection

      arena.child.kill('SIGINT');
      // npm's copy comes a moment after the terminal's (sent at once, the kernel would merge the two).
      await new Promise((resolve) => setTimeout(resolve, 100));
      arena.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 400));
      await db.query('COMMIT');

      const exit = await exitWithin(arena, 5000 + MARGIN_MS + 5000);
      expect(await inFlight).toMatchObject({ ok: true, data: { seq: expect.any(Number) } });
      expect(await notice).toMatchObject({ reconnectAfterMs: expect.any(Number) });
      expect({ code: exit.code, again: arena.output().includes('again') }).toEqual({ code: 0, again: false });
      expect(arena.output()).toMatch(/"msg":"drained"/);
    } finally {
      await db.end();
      arena.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a deliberate second Ctrl-C, a while after the first, still stops it at once', async () => {
    const databaseUrl = await testDatabaseUrl();
    const proxy = await tcpProxy(databaseUrl);
    const arena = await startArena({ DATABASE_URL: proxy.url(databaseUrl), SHUTDOWN_GRACE_MS: '20000' });
    try {
      const socket = await connectSocket(arena.url, await guest(arena.url, 'Impatient'));
      sockets.push(socket);
      const room = await socket
        .timeout(5000)
        .emitWithAck('room:create', { actionId: aid(), gameId: 'bench', seatCount: 1 });
      await socket.timeout(5000).emitWithAck('room:start', { actionId: aid(), roomId: room.data.roomId });
      proxy.freeze();
      socket.emit(
        'game:action',
        { actionId: aid(), roomId: room.data.roomId, action: { type: 'bump' } },
        () => undefined,
      ); // waits on the database
      await new Promise((resolve) => setTimeout(resolve, 200));
      arena.child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const again = Date.now();
      arena.child.kill('SIGINT');
      const exit = await exitWithin(arena, 3000);
      expect(exit.at - again).toBeLessThan(1000);
      expect(exit.code).toBe(1);
      expect(arena.output()).toContain('SIGINT again: exiting now');
    } finally {
      arena.child.kill('SIGKILL');
      await proxy.close();
    }
  }, 60_000);

  it('with its database frozen, SIGTERM still tells clients, answers what is stuck, and exits within SHUTDOWN_GRACE_MS plus the margin', async () => {
    const databaseUrl = await testDatabaseUrl();
    const proxy = await tcpProxy(databaseUrl);
    const arena = await startArena({ DATABASE_URL: proxy.url(databaseUrl), SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    try {
      const socket = await connectSocket(arena.url, await guest(arena.url, 'Frozen'));
      sockets.push(socket);
      const room = await socket
        .timeout(5000)
        .emitWithAck('room:create', { actionId: aid(), gameId: 'bench', seatCount: 1 });
      await socket.timeout(5000).emitWithAck('room:start', { actionId: aid(), roomId: room.data.roomId });

      proxy.freeze();
      const stuck = socket
        .timeout(GRACE_MS + MARGIN_MS + 3000)
        .emitWithAck('game:action', { actionId: aid(), roomId: room.data.roomId, action: { type: 'bump' } });
      await new Promise((resolve) => setTimeout(resolve, 200)); // the action is waiting on the database
      const notice = nextEvent(socket, 'server:shutdown', GRACE_MS + MARGIN_MS + 3000);
      notice.catch(() => undefined); // reported below, not as an unhandled rejection
      const signalled = Date.now();
      arena.child.kill('SIGTERM');

      expect(await stuck).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
      expect(await notice).toMatchObject({ reconnectAfterMs: expect.any(Number) });
      const exit = await exitWithin(arena, GRACE_MS + MARGIN_MS + 5000);
      // Past the bound, only the process's own exit (and this test noticing it).
      expect(exit.at - signalled).toBeLessThan(GRACE_MS + MARGIN_MS + 500);
      expect(arena.output()).toMatch(/"msg":"drained"/);
    } finally {
      arena.child.kill('SIGKILL');
      await proxy.close();
    }
  }, 60_000);

  it('a client that stopped reading (a frozen tab, a dead network) does not keep it from exiting', async () => {
    const databaseUrl = await testDatabaseUrl();
    const arena = await startArena({
      DATABASE_URL: databaseUrl,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      CHAT_MAX_BODY: '20000',
      THROTTLE_USER_LIMIT: '100000',
      WS_SOCKET_BEHIND_MS: '600000', // behind, not yet cut for it
    });
    try {
      const [frozen, sender] = await Promise.all(
        ['Frozen tab', 'Sender'].map(async (name) => {
          const body = (await request(arena.url).post('/auth/guest').send({ displayName: name }).expect(201)).body;
          return { token: body.token as string, userId: body.user.id as string };
        }),
      );
      const conversation = await request(arena.url)
        .post('/conversations')
        .set('Authorization', `Bearer ${sender.token}`)
        .send({ title: 'Unread', memberIds: [frozen.userId] })
        .expect(201);
      const stalled = await connectSocket(arena.url, frozen.token);
      const talking = await connectSocket(arena.url, sender.token);
      sockets.push(stalled, talking);
      // Its TCP paused: the server's writes back up until the socket is behind (the metric says so).
      (stalled.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
      const behind = async () =>
        /arena_socket_backpressure_total\{outcome="behind"\} [1-9]/.test(
          (await request(arena.url).get('/metrics')).text,
        );
      const body = 'x'.repeat(19_000);
      for (let sent = 0; !(await behind()); sent += 20) {
        if (sent >= 2000) throw new Error('the paused socket never fell behind');
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            talking
              .timeout(10_000)
              .emitWithAck('chat:send', { conversationId: conversation.body.id, clientMsgId: `m-${sent + i}`, body }),
          ),
        );
      }
      const signalled = Date.now();
      arena.child.kill('SIGTERM');
      const exit = await exitWithin(arena, GRACE_MS + MARGIN_MS + 5000);
      expect({ code: exit.code, took: exit.at - signalled < GRACE_MS + MARGIN_MS }).toEqual({ code: 0, took: true });
    } finally {
      arena.child.kill('SIGKILL');
    }
  }, 60_000);
});

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) process.stdout.write('SKIPPED: a shutdown beside another process needs REDIS_URL\n');

withRedis('Arena as one of several processes on one Redis', () => {
  const redis = fileRedis as { REDIS_URL: string; REDIS_PREFIX: string };
  let sockets: Socket[] = [];
  afterEach(() => {
    for (const socket of sockets) socket.disconnect();
    sockets = [];
  });

  it("SIGTERM tells and closes this process's clients only: another process's stay connected and are told nothing", async () => {
    const databaseUrl = await testDatabaseUrl();
    const env = { DATABASE_URL: databaseUrl, ...redis, SHUTDOWN_GRACE_MS: String(GRACE_MS) };
    const [stopping, staying] = await Promise.all([startArena(env), startArena(env)]);
    try {
      const leaving = await connectSocket(stopping.url, await guest(stopping.url, 'Leaving'));
      const remaining = await connectSocket(staying.url, await guest(staying.url, 'Remaining'));
      sockets.push(leaving, remaining);
      const told: string[] = [];
      leaving.on('server:shutdown', () => told.push('leaving'));
      remaining.on('server:shutdown', () => told.push('remaining'));
      remaining.on('disconnect', (reason) => told.push(`remaining disconnected: ${reason}`));
      const left = nextEvent(leaving, 'disconnect', GRACE_MS + MARGIN_MS);

      const signalled = Date.now();
      stopping.child.kill('SIGTERM');
      const exit = await exitWithin(stopping, GRACE_MS + MARGIN_MS + 5000);
      await left;
      // What another process sends goes through Redis: time for a stray notice or close to arrive.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect({ code: exit.code, told, connected: remaining.connected }).toEqual({
        code: 0,
        told: ['leaving'],
        connected: true,
      });
      expect(exit.at - signalled).toBeLessThan(GRACE_MS + MARGIN_MS + 500);
      const whoami = await remaining.timeout(5000).emitWithAck('session:whoami');
      expect(whoami).toMatchObject({ ok: true, data: { displayName: 'Remaining' } });
    } finally {
      stopping.child.kill('SIGKILL');
      staying.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a presence sweep waiting for a process that will not answer does not hold up the exit', async () => {
    // A subscriber of the adapter's request channel that never answers: a process that has just stopped, as
    // every other process's adapter counts it (PUBSUB NUMSUB) until Redis notices, and waits for it 5 s.
    const gone = new Redis(process.env.REDIS_URL!);
    await gone.subscribe(`${redis.REDIS_PREFIX}:sio-request#/#`);
    const databaseUrl = await testDatabaseUrl();
    const arena = await startArena({
      DATABASE_URL: databaseUrl,
      ...redis,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      ROOM_PRESENCE_SWEEP_MS: '200',
    });
    try {
      const socket = await connectSocket(arena.url, await guest(arena.url, 'Seated'));
      sockets.push(socket);
      // A seated player makes every sweep ask the processes who is connected.
      await socket.timeout(5000).emitWithAck('room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
      await new Promise((resolve) => setTimeout(resolve, 500)); // a sweep is waiting now
      const signalled = Date.now();
      arena.child.kill('SIGTERM');
      const exit = await exitWithin(arena, GRACE_MS + MARGIN_MS + 5000);
      expect({ code: exit.code, took: exit.at - signalled < GRACE_MS + MARGIN_MS }).toEqual({ code: 0, took: true });
    } finally {
      arena.child.kill('SIGKILL');
      await gone.quit();
    }
  }, 60_000);
});
