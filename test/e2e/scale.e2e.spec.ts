import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Server } from 'socket.io';
import { SocketEmitter } from '../../src/realtime/socket-emitter.service';
import { ChatPublisher } from '../../src/messaging/chat.publisher';
import { fileRedis } from '../support/file-redis';
import { addMember, chatSocket, collectMessages, group, players, until } from '../support/chat';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, nextEvent, type TestApp } from '../support/test-app';

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) process.stdout.write('SKIPPED: broadcasts across processes need REDIS_URL\n');

/**
 * From now on, requests between this app's and the other processes' adapters (sockets joining rooms among
 * them) come back from Redis half a second late, as from a Redis far away or busy.
 */
function slowEcho(arena: TestApp): void {
  const server = (arena.app.get(SocketEmitter) as unknown as { server: Server }).server;
  const sub = (server.of('/').adapter as unknown as { subClient: Redis }).subClient;
  const emit = sub.emit.bind(sub);
  sub.emit = ((event: string, ...args: unknown[]) =>
    event === 'messageBuffer'
      ? Boolean(setTimeout(() => emit(event, ...args), 500))
      : emit(event, ...args)) as typeof sub.emit;
}

withRedis('several Arena processes on one PostgreSQL and one Redis', () => {
  let first: TestApp;
  let second: TestApp;

  beforeEach(async () => {
    const env = fileRedis;
    first = await createTestApp(env);
    second = await createTestApp(env, first.databaseUrl);
  });
  afterEach(async () => {
    await second.close();
    await first.close();
  });

  it('a logout served by one process closes the session socket held by the other', async () => {
    const token = await first.guest('Roaming');
    const socket = await second.socket(token);
    const revoked = nextEvent(socket, 'session:revoked');
    const closed = nextEvent(socket, 'disconnect');
    await first.http().post('/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    expect(await revoked).toEqual({ reason: 'logout' });
    await closed;
  });

  it("a member added on one process gets its commits on the other process's sockets packed or one by one, as each declared", async () => {
    const [ada, bob] = await players(first, 2, 'Spread');
    const id = await group(first, ada, []);
    const [packedThere, singleThere] = await Promise.all([
      second.socket(bob.token, ['chat:messages']),
      second.socket(bob.token),
    ]);
    await addMember(first, ada, id, bob, [packedThere, singleThere]); // served by the first process
    const packets: string[] = [];
    packedThere.on('chat:messages', (b: { messages: Array<{ seq: number }> }) =>
      packets.push(`packed ${b.messages.map((m) => m.seq).join(',')}`),
    );
    packedThere.on('chat:message', (m: { seq: number }) => packets.push(`packed-single ${m.seq}`));
    const atSingle = collectMessages(singleThere);
    const message = (seq: number) => ({
      id: randomUUID(),
      conversationId: id,
      seq,
      senderId: ada.userId,
      clientMsgId: `spread-${seq}`,
      body: `m${seq}`,
      sentAt: new Date().toISOString(),
    });

    const here = first.app.get(ChatPublisher);
    here.message(message(1));
    here.message(message(2));
    await until(() => packets.length > 0 && atSingle.length === 2, 5000, 'the deliveries');
    await Promise.all([packedThere, singleThere].map((s) => ask(s, 'chat:conversations'))); // anything more would have come first

    expect(packets).toEqual(['packed 1,2']);
    expect(atSingle.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('chat:sync on a process whose Redis echoes slowly still leaves the socket in its rooms before the read: what commits after comes live', async () => {
    const [ada, bob] = await players(first, 2, 'Slow echo');
    const id = await group(first, ada, [bob]);
    const adaSocket = await chatSocket(first, ada.token);
    slowEcho(first);
    const bobSocket = await first.socket(bob.token);
    const atBob = collectMessages(bobSocket);
    const synced = await ask(bobSocket, 'chat:sync', { cursors: [{ conversationId: id, afterSeq: 0 }] });
    expect(synced).toMatchObject({ ok: true, data: { conversations: [{ messages: [] }] } });
    const sent = await ask(adaSocket, 'chat:send', { conversationId: id, clientMsgId: 'after-sync', body: 'hello' });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the late echoes have come
    expect(atBob.map((message: { seq: number }) => message.seq)).toEqual([sent.data.seq]);
  });

  it('room:rejoin on a process whose Redis echoes slowly follows the seat before it answers: the next move comes live', async () => {
    const [hostToken, bobToken] = await Promise.all([first.guest('Echo host'), first.guest('Echo seat')]);
    const host = await first.socket(hostToken);
    const room = await ok(host, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
    await ok(await first.socket(bobToken), 'room:join', { actionId: aid(), roomId: room.roomId });
    await ok(host, 'room:start', { actionId: aid(), roomId: room.roomId });
    slowEcho(first);
    const secondTab = await first.socket(bobToken);
    const seen: number[] = [];
    secondTab.on('room:update', (update: { events: Array<{ seq: number }> }) =>
      seen.push(...update.events.map((event) => event.seq)),
    );
    const rejoined = await ok(secondTab, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
    const bump = await ok(host, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the late echoes have come
    expect({ seat: rejoined.seat, seen: seen.includes(bump.seq) }).toEqual({ seat: 1, seen: true });
  });

  it('a membership change from the other process never gets between a commit and its live delivery', async () => {
    const [ada, dan] = await players(first, 2, 'Across');
    const id = await group(first, ada, []);
    const danSocket = await first.socket(dan.token);
    await ask(danSocket, 'chat:sync', { cursors: [] });
    const atDan = collectMessages(danSocket);
    const message = (seq: number) => ({
      id: randomUUID(),
      conversationId: id,
      seq,
      senderId: ada.userId,
      clientMsgId: `across-${seq}`,
      body: `m${seq}`,
      sentAt: new Date().toISOString(),
    });
    const [here, there] = [first.app.get(ChatPublisher), second.app.get(ChatPublisher)];
    // The other process's change reaches this one through Redis and waits to be read while this one is
    // busy; then this process releases a message committed before that change reached it. Each step
    // starts from a timer, so the next thing the event loop does is read I/O, where that change waits.
    const busy = (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
    };
    const fromATimer = () => new Promise((resolve) => setTimeout(resolve, 10));

    const joined = nextEvent(danSocket, 'chat:member-joined');
    await fromATimer();
    there.membersJoined(id, [dan.userId], false);
    busy(50);
    here.message(message(1)); // committed before dan joined: not for him
    await joined;
    await fromATimer();
    there.memberLeft(id, dan.userId);
    busy(50);
    here.message(message(2)); // committed while dan was a member: his, live
    await until(() => atDan.length > 0, 5000, 'message 2');

    // Message 1, had it come, would have come before message 2 on this socket.
    expect(atDan.map((m) => m.seq)).toEqual([2]);
  });
});
