import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { LifecycleService } from '../../src/common/lifecycle/lifecycle.service';
import type { RoomUpdate } from '../../src/protocol/rooms.protocol';
import { chatSocket, collectMessages, group, players } from '../support/chat';
import { fileRedis } from '../support/file-redis';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, FAST_ROOMS, UNTHROTTLED } from '../support/test-app';

interface Sent {
  at: number;
  answeredAt?: number;
  reply?: { ok: boolean; data?: { seq: number }; error?: { code: string } };
}

/**
 * A seated player that keeps `depth` actions outstanding, recording every reply and the committed actions
 * of every seat it sees in room:update. An agent leaves when told `server:shutdown` (to reconnect
 * elsewhere); a browser stays until the server closes it.
 */
function spammer(socket: Socket, roomId: string, depth: number, leavesOnNotice: boolean) {
  const sent: Sent[] = [];
  const seenBySeat = new Map<number, number[]>();
  let notice = 0;
  socket.on('room:update', (update: RoomUpdate) => {
    for (const event of update.events) {
      if (event.type === 'game.act' && event.actorSeat !== null)
        seenBySeat.set(event.actorSeat, [...(seenBySeat.get(event.actorSeat) ?? []), event.seq]);
    }
  });
  socket.on('server:shutdown', () => {
    notice = Date.now();
    if (leavesOnNotice) socket.disconnect();
  });
  const fire = () => {
    if (!socket.connected) return;
    const entry: Sent = { at: Date.now() };
    sent.push(entry);
    socket.emit('game:action', { actionId: aid('load'), roomId, action: { type: 'bump' } }, (reply: Sent['reply']) => {
      entry.reply = reply;
      entry.answeredAt = Date.now();
      fire();
    });
  };
  for (let i = 0; i < depth; i += 1) fire();
  return { sent, seenBySeat, notice: () => notice };
}

describe('graceful shutdown under load', () => {
  it('acks every action whose room:update went out before server:shutdown, and answers events during the drain SHUTTING_DOWN', async () => {
    const arena = await createTestApp({
      ...UNTHROTTLED,
      SHUTDOWN_GRACE_MS: '15000',
      ...fileRedis,
    });
    const rooms: Array<Array<ReturnType<typeof spammer> & { socket: Socket }>> = [];
    for (let r = 0; r < 3; r += 1) {
      const sockets = await Promise.all(
        [0, 1, 2, 3].map(async (i) => arena.socket(await arena.guest(`Load ${r}-${i}`))),
      );
      const room = await ok(sockets[0], 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 4 });
      for (const socket of sockets.slice(1)) await ok(socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      await ok(sockets[0], 'room:start', { actionId: aid(), roomId: room.roomId });
      // Seats 0-2 are agents, seat 3 a browser that stays to the end.
      rooms.push(sockets.map((socket, seat) => ({ socket, ...spammer(socket, room.roomId, 8, seat < 3) })));
    }
    const players = rooms.flat();
    const ackedSoFar = () => players.reduce((sum, p) => sum + p.sent.filter((s) => s.reply?.ok).length, 0);
    for (const start = Date.now(); ackedSoFar() < 60 && Date.now() - start < 20_000;)
      await new Promise((resolve) => setTimeout(resolve, 20));

    // Some accepted work outlasts the load, so events keep arriving during the drain: until every client
    // has had one answered SHUTTING_DOWN (at once, unless the machine is very busy), or 8 s.
    const finishInFlight = arena.app.get(LifecycleService).begin();
    const drainFrom = Date.now();
    const closing = arena.app.close();
    const refusedOnce = () => players.every((p) => p.sent.some((s) => s.reply?.error?.code === 'SHUTTING_DOWN'));
    const release = setInterval(() => {
      if (!refusedOnce() && Date.now() - drainFrom < 8000) return;
      clearInterval(release);
      finishInFlight();
    }, 20);
    await Promise.all(
      players.map(
        ({ socket }) =>
          new Promise((resolve) => (socket.connected ? socket.once('disconnect', resolve) : resolve(null))),
      ),
    );
    await closing;

    let acked = 0;
    let refused = 0;
    for (const room of rooms) {
      const browser = room[3];
      room.forEach((player, seat) => {
        expect(player.notice()).toBeGreaterThan(0);
        const ackedSeqs = new Set(player.sent.filter((s) => s.reply?.ok).map((s) => s.reply!.data!.seq));
        // Every action of this seat that the room saw committed was acknowledged to its sender.
        expect({
          seat,
          unacknowledged: (browser.seenBySeat.get(seat) ?? []).filter((seq) => !ackedSeqs.has(seq)),
        }).toEqual({ seat, unacknowledged: [] });
        acked += ackedSeqs.size;
      });
    }
    for (const player of players) {
      for (const s of player.sent) {
        if (s.reply && !s.reply.ok) expect(s.reply.error?.code).toBe('SHUTTING_DOWN');
        if (s.at < drainFrom) expect(s.reply).toBeDefined(); // accepted before the drain: answered
      }
      // Told to leave only after the drain, each client had its events during the drain answered.
      const refusedBeforeNotice = player.sent.filter(
        (s) => s.reply?.error?.code === 'SHUTTING_DOWN' && s.answeredAt! <= player.notice(),
      );
      expect(refusedBeforeNotice.length).toBeGreaterThan(0);
      refused += refusedBeforeNotice.length;
    }
    expect(acked).toBeGreaterThanOrEqual(60);
    expect(refused).toBeGreaterThan(0);
  }, 60_000);

  it('is not held up by games that bots keep playing: their deadlines wait for the next process', async () => {
    const arena = await createTestApp({ ...FAST_ROOMS, SHUTDOWN_GRACE_MS: '10000' });
    const host = await arena.socket(await arena.guest('Bot Host'));
    let moves = 0;
    host.on('room:update', () => (moves += 1));
    for (let i = 0; i < 3; i += 1) {
      const room = await ok(host, 'room:create', {
        actionId: aid(),
        gameId: 'mafia',
        seatCount: 7,
        botFill: true,
        options: { nightMs: 100, discussionMs: 100, votingMs: 100 },
      });
      await ok(host, 'room:start', { actionId: aid(), roomId: room.roomId });
    }
    for (const start = Date.now(); moves < 10 && Date.now() - start < 10_000;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await arena.close();
    expect(Date.now() - started).toBeLessThan(3000);
  }, 60_000);

  it('a draining process claims no deadline: one due during its drain is left for the other processes at once', async () => {
    const arena = await createTestApp({ ...FAST_ROOMS, SHUTDOWN_GRACE_MS: '10000' });
    const db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    try {
      const host = await arena.socket(await arena.guest('Drained'));
      const room = await ok(host, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 1 });
      const finishInFlight = arena.app.get(LifecycleService).begin(); // keeps it draining
      const closing = arena.app.close();
      let due: boolean;
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        // Due now: another process's sweeper should find it; this one's (every 25 ms) must not take it.
        await db.query(
          `UPDATE rooms SET next_deadline_at = now() - interval '1 second', next_deadline_id = 'due-in-drain' WHERE id = $1`,
          [room.roomId],
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const { rows } = await db.query(`SELECT next_deadline_at <= now() AS due FROM rooms WHERE id = $1`, [
          room.roomId,
        ]);
        due = rows[0].due;
      } finally {
        finishInFlight();
        await closing;
      }
      expect(due).toBe(true);
    } finally {
      await db.end();
    }
  });

  it('a message committed by the last work of the drain still reaches the other members live', async () => {
    const arena = await createTestApp({ ...UNTHROTTLED, SHUTDOWN_GRACE_MS: '10000' });
    const db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    try {
      const [ada, bob] = await players(arena, 2, 'Last word');
      const id = await group(arena, ada, [bob]);
      const [adaSocket, bobSocket] = await Promise.all([chatSocket(arena, ada.token), chatSocket(arena, bob.token)]);
      const atBob = collectMessages(bobSocket);
      // Another transaction holds the conversation's row: the message is in flight while the drain waits.
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [id]);
      const sent = ask(adaSocket, 'chat:send', { conversationId: id, clientMsgId: 'last-word', body: 'bye' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closing = arena.app.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await db.query('COMMIT'); // the message commits, and with it the drain's last work ends
      expect(await sent).toMatchObject({ ok: true, data: { seq: 1 } });
      await closing;
      expect(atBob.map((message: { seq: number }) => message.seq)).toEqual([1]);
    } finally {
      await db.end();
    }
  });
});
