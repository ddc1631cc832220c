import type { Socket as ServerSocket } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { SocketEmitter } from '../../src/realtime/socket-emitter.service';
import { chatSocket, collectMessages, group, player, until, type Player } from '../support/chat';
import { aid, ok, UpdateLog } from '../support/rooms';
import { ask, createTestApp, nextEvent, type TestApp, UNTHROTTLED } from '../support/test-app';

/**
 * Issue 17 (3): a client that stops reading (its TCP paused, as a frozen tab or a dead network leaves it)
 * while its room keeps publishing, and the caps on sockets.
 */

/** The client's TCP socket under Socket.IO: pausing it stops reading, so the server's writes back up. */
function tcpOf(socket: Socket): { pause(): void; resume(): void } {
  const transport = socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } };
  return transport.ws._socket;
}

const body = 'x'.repeat(19_000);

/** Chat messages of 19 kB to `conversationId` until the slow socket is behind (the server's metric says so). */
async function flood(arena: TestApp, sender: Socket, conversationId: string, outcome: string): Promise<number> {
  let sent = 0;
  const counted = async () => {
    const metrics = (await arena.http().get('/metrics')).text;
    return Number(
      new RegExp(`arena_socket_backpressure_total\\{outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0,
    );
  };
  const before = await counted();
  // The kernel takes a few MB before the server's own buffers grow: up to 40 MB of chat.
  while (sent < 2000 && (await counted()) === before) {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        ask(sender, 'chat:send', { conversationId, clientMsgId: `flood-${++sent}-${Date.now()}`, body }),
      ),
    );
  }
  if ((await counted()) === before) throw new Error(`no socket was ${outcome} after ${sent} messages`);
  return sent;
}

/** The packets the server holds for a socket, not yet handed to its transport (engine.io's write buffer). */
const queued = (socket: ServerSocket) => (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;

function serverSocketOf(arena: TestApp, userId: string): ServerSocket | undefined {
  const emitter = arena.app.get(SocketEmitter) as unknown as {
    server: { sockets: { sockets: Map<string, ServerSocket> } };
  };
  return [...emitter.server.sockets.sockets.values()].find(
    (socket) => (socket.data as { caller?: { userId: string } }).caller?.userId === userId,
  );
}

describe('a client that stops reading', () => {
  let arena: TestApp;
  beforeAll(async () => {
    arena = await createTestApp({
      ...UNTHROTTLED,
      CHAT_MAX_BODY: '20000',
      WS_SOCKET_BUFFER_BYTES: '65536',
      WS_SOCKET_MAX_BUFFER_BYTES: String(256 * 1024 * 1024),
      WS_SOCKET_BEHIND_MS: '60000',
    });
  });
  afterAll(() => arena.close());

  it('gets the latest view of its room instead of every update, and every chat message, once it reads again', async () => {
    const writer = await player(arena, 'Writer');
    const slow = await player(arena, 'Frozen Tab');
    const writerSocket = await chatSocket(arena, writer.token);
    const slowSocket = await chatSocket(arena, slow.token);
    const conversationId = await group(arena, writer, [slow]);
    await ask(slowSocket, 'chat:sync', { cursors: [] });
    const room = await ok(writerSocket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
    await ok(slowSocket, 'room:join', { actionId: aid(), roomId: room.roomId });
    await ok(writerSocket, 'room:start', { actionId: aid(), roomId: room.roomId });
    const log = new UpdateLog(slowSocket);
    const messages = collectMessages(slowSocket);
    await ok(writerSocket, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } });
    await log.until((u) => (u.view.game as { counter: number } | null)?.counter === 1);

    tcpOf(slowSocket).pause();
    const flooded = await flood(arena, writerSocket, conversationId, 'behind');
    const queuedBefore = queued(serverSocketOf(arena, slow.userId)!);
    const seen = log.updates.length;
    const BUMPS = 150;
    let last = 0;
    for (let i = 0; i < BUMPS; i += 1)
      last = (await ok(writerSocket, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } }))
        .seq;
    // Nothing of the 150 updates waits in the server for the socket that does not read.
    const queuedAfter = queued(serverSocketOf(arena, slow.userId)!);
    expect(queuedAfter).toBe(queuedBefore);

    tcpOf(slowSocket).resume();
    const fresh = await log.until((u) => u.seq === last, 30_000, 'the fresh view');
    await until(() => messages.length >= flooded, 30_000, 'every chat message');
    const afterPause = log.updates.slice(seen);
    console.log(
      `slow reader: ${flooded} chat messages of 19 kB to make it fall behind; ${BUMPS} room commits while behind reached it as ${afterPause.length} room:update`,
    );
    expect(afterPause.length).toBeLessThanOrEqual(3);
    expect(fresh).toMatchObject({ coalesced: true, events: [] });
    expect((fresh.view.game as { counter: number; you: { seat: number } }).counter).toBe(BUMPS + 1);
    expect((fresh.view.game as { you: { seat: number } }).you.seat).toBe(1); // its own seat's view
    expect(new Set(messages.map((m: { seq: number }) => m.seq)).size).toBe(flooded);
    // It still plays: the next update comes as usual.
    await ok(slowSocket, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } });
    const next = await log.until((u) => u.seq === last + 1);
    expect(next.coalesced).toBeUndefined();
    expect(next.events).toHaveLength(1);
  }, 120_000);
});

describe('a client that never reads again', () => {
  let arena: TestApp;
  beforeAll(async () => {
    arena = await createTestApp({
      ...UNTHROTTLED,
      CHAT_MAX_BODY: '20000',
      WS_SOCKET_BUFFER_BYTES: '65536',
      WS_SOCKET_MAX_BUFFER_BYTES: String(1024 * 1024),
      WS_SOCKET_BEHIND_MS: '500',
    });
  });
  afterAll(() => arena.close());

  it('is disconnected (SLOW_CONSUMER) once it stays behind, and the server lets go of what it held for it', async () => {
    const writer = await player(arena, 'Talker');
    const dead = await player(arena, 'Gone');
    const writerSocket = await chatSocket(arena, writer.token);
    const deadSocket = await chatSocket(arena, dead.token);
    const conversationId = await group(arena, writer, [dead]);
    await ask(deadSocket, 'chat:sync', { cursors: [] });
    tcpOf(deadSocket).pause();
    await flood(arena, writerSocket, conversationId, 'disconnected');
    await until(() => serverSocketOf(arena, dead.userId) === undefined, 5000, 'the server to drop the socket');
    const metrics = (await arena.http().get('/metrics')).text;
    expect(metrics).toMatch(/arena_socket_backpressure_total\{outcome="disconnected"\} [1-9]/);
    // The writer is not held up by it, and the slow one may come back.
    expect((await ask(writerSocket, 'chat:send', { conversationId, clientMsgId: aid(), body: 'still here' })).ok).toBe(
      true,
    );
    const back = await chatSocket(arena, dead.token);
    expect(back.connected).toBe(true);
  }, 120_000);
});

describe('caps on sockets', () => {
  let arena: TestApp;
  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED, WS_MAX_CONNECTIONS: '4', ROOM_MAX_SOCKETS: '3' });
  });
  afterAll(() => arena.close());

  it('a room followed by ROOM_MAX_SOCKETS sockets, spectators included, refuses another spectator with ROOM_CROWDED', async () => {
    const people: Player[] = await Promise.all(
      ['Host', 'Fan One', 'Fan Two', 'Fan Three'].map((name) => player(arena, name)),
    );
    const sockets = await Promise.all(people.map((p) => arena.socket(p.token)));
    const room = await ok(sockets[0], 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
    await ok(sockets[1], 'room:watch', { roomId: room.roomId });
    await ok(sockets[2], 'room:watch', { roomId: room.roomId });
    expect(await ask(sockets[3], 'room:watch', { roomId: room.roomId })).toMatchObject({
      ok: false,
      error: { code: 'ROOM_CROWDED' },
    });
    // One already watching may watch again; once one leaves, there is room for another.
    await ok(sockets[2], 'room:watch', { roomId: room.roomId });
    await ok(sockets[1], 'room:unwatch', { roomId: room.roomId });
    await ok(sockets[3], 'room:watch', { roomId: room.roomId });
    for (const socket of sockets) socket.disconnect();
  });

  it('a process holding WS_MAX_CONNECTIONS sockets refuses the next handshake with SERVER_BUSY', async () => {
    const people = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((name) => player(arena, `Crowd ${name}`)));
    const held = await Promise.all(people.slice(0, 4).map((p) => arena.socket(p.token)));
    const refused = await arena.socket(people[4].token).then(
      () => null,
      (error: Error & { data?: { code: string } }) => error.data?.code,
    );
    expect(refused).toBe('SERVER_BUSY');
    held[0].disconnect();
    await until(() => arena.app.get(SocketEmitter).localConnections() < 4, 5000, 'a free place');
    const admitted = await arena.socket(people[4].token);
    expect(admitted.connected).toBe(true);
    for (const socket of [...held, admitted]) socket.disconnect();
  });

  it('sending to a socket that has closed does nothing', async () => {
    const someone = await player(arena, 'Leaver');
    const socket = await arena.socket(someone.token);
    const closed = nextEvent(socket, 'disconnect');
    const server = serverSocketOf(arena, someone.userId)!;
    socket.disconnect();
    await closed;
    await until(() => server.disconnected, 5000, 'the server to see the close');
    const emitter = arena.app.get(SocketEmitter);
    expect(() => {
      server.emit('server:shutdown', { reason: 'test', reconnectAfterMs: 0 });
      emitter.toSocketInRoom(server.id, [`user:${someone.userId}`], 'server:shutdown', {
        reason: 'test',
        reconnectAfterMs: 0,
      });
      emitter.toUser(someone.userId, 'server:shutdown', { reason: 'test', reconnectAfterMs: 0 });
    }).not.toThrow();
    expect(queued(server)).toBe(0);
  });
});
