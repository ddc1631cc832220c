import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { RoomsService } from '../../src/games/rooms.service';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

const until = async <T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 8000,
): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('room runtime', () => {
  let arena: TestApp;
  let db: Client;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  /** A started bench room with `count` players, each with its socket and update log. */
  async function benchRoom(app: TestApp, count: number) {
    const players: { token: string; socket: Socket; log: UpdateLog }[] = [];
    for (let i = 0; i < count; i += 1) {
      const token = await app.guest(`Bench ${i} ${aid()}`);
      const socket = await app.socket(token);
      players.push({ token, socket, log: new UpdateLog(socket) });
    }
    const room = await ok(players[0].socket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: count });
    for (const p of players.slice(1)) await ok(p.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
    await ok(players[0].socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    return { roomId: room.roomId as string, players };
  }

  const seqs = async (roomId: string) =>
    (await db.query('SELECT seq FROM room_events WHERE room_id = $1 ORDER BY seq', [roomId])).rows.map(
      (r) => r.seq as number,
    );
  const snapshot = async (roomId: string) =>
    (await db.query('SELECT state, version FROM rooms WHERE id = $1', [roomId])).rows[0];

  it('a game move reaches each viewer as a patch of its view; a seat change as the whole view', async () => {
    const { roomId, players } = await benchRoom(arena, 2);
    const [first, second] = players;
    const raw: Array<{ seq: number; view?: unknown; patch?: { from: number } }> = [];
    second.socket.on('room:update', (update) => raw.push(update));
    const bumped = await ok(first.socket, 'game:action', { actionId: aid(), roomId, action: { type: 'bump' } });

    const seen = await second.log.until((u) => u.seq === bumped.seq);
    expect(seen.patch).toEqual(expect.objectContaining({ from: bumped.seq - 1 }));
    expect(raw.find((u) => u.seq === bumped.seq)?.view).toBeUndefined();
    // The patched view is the one the server would give whole.
    const rejoined = await ok(second.socket, 'room:rejoin', { roomId, lastSeq: bumped.seq });
    expect(seen.view).toEqual(rejoined.view);

    const spectator = await arena.socket(await arena.guest(`Watcher ${aid()}`));
    const watching = new UpdateLog(spectator);
    watching.seed(await ok(spectator, 'room:watch', { roomId }));
    await ok(second.socket, 'game:action', { actionId: aid(), roomId, action: { type: 'bump' } });
    const dropped = await ok(first.socket, 'room:leave', { actionId: aid(), roomId });
    const whole = await watching.until((u) => u.seq === dropped.seq);
    expect(whole.patch).toBeUndefined();
    const holderOf0 = (view: typeof whole.view) => view.seats.find((seat) => seat.seat === 0)?.userId;
    expect(holderOf0(seen.view)).not.toBeNull();
    expect(holderOf0(whole.view)).not.toBe(holderOf0(seen.view));
    expect(watching.updates.some((u) => u.patch)).toBe(true);
    spectator.disconnect();
  });

  it('an action retried with the same actionId has one effect and one answer', async () => {
    const { roomId, players } = await benchRoom(arena, 2);
    const [first] = players;
    const actionId = aid('retry');
    const acks = await Promise.all(
      Array.from({ length: 20 }, () =>
        ask(first.socket, 'game:action', { actionId, roomId, action: { type: 'bump' } }),
      ),
    );
    expect(new Set(acks.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(acks[0]).toMatchObject({ ok: true, data: { seq: expect.any(Number), seat: 0 } });
    // Later, from a new socket of the same session: the same answer again, still one effect.
    const later = await arena.socket(first.token);
    expect(await ask(later, 'game:action', { actionId, roomId, action: { type: 'bump' } })).toEqual(acks[0]);
    expect((await snapshot(roomId)).state.game.counter).toBe(1);
    const stored = await db.query('SELECT count(*) FROM room_events WHERE room_id = $1 AND action_id LIKE $2', [
      roomId,
      `%:${actionId}`,
    ]);
    expect(Number(stored.rows[0].count)).toBe(1);
    // The same id for another action is refused and changes nothing.
    const reused = await ask(first.socket, 'game:action', { actionId, roomId, action: { type: 'bump', extra: 1 } });
    expect(reused.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Another player may use the same id: ids are per player.
    const theirs = await ok(players[1].socket, 'game:action', { actionId, roomId, action: { type: 'bump' } });
    expect(theirs.seq).toBe(acks[0].data.seq + 1);
    expect((await snapshot(roomId)).state.game.counter).toBe(2);
  });

  it('50 concurrent actions into one room get gapless sequence numbers, in the order every client sees', async () => {
    const { roomId, players } = await benchRoom(arena, 4);
    const before = (await snapshot(roomId)).version as number;
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ok(players[i % 4].socket, 'game:action', { actionId: aid('c'), roomId, action: { type: 'bump' } }),
      ),
    );
    const acked = acks.map((a) => a.seq as number).sort((x, y) => x - y);
    expect(acked).toEqual(Array.from({ length: 50 }, (_, i) => before + 1 + i));
    const all = await seqs(roomId);
    expect(all).toEqual(Array.from({ length: before + 50 }, (_, i) => i + 1));
    expect((await snapshot(roomId)).state.game.counter).toBe(50);
    for (const p of players) {
      await p.log.until((u) => (u.view.game as any)?.counter === 50);
      const seen = p.log.updates.flatMap((u) => u.events.map((e) => e.seq));
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it("a room's state equals the fold of its events", async () => {
    const host = await arena.socket(await arena.guest('Folder'));
    const log = new UpdateLog(host);
    const room = await ok(host, 'room:create', {
      actionId: aid(),
      gameId: 'mafia',
      seatCount: 5,
      botFill: true,
      options: { nightMs: 150, discussionMs: 150, votingMs: 150 },
    });
    await ok(host, 'room:start', { actionId: aid(), roomId: room.roomId });
    // The host's seat never acts: its share is filled by the bots' pace and the deadlines.
    await log.until((u) => u.view.phase === 'finished', 20_000, 'finished game');
    const rematch = await ok(host, 'room:rematch', { actionId: aid(), roomId: room.roomId });
    await log.until((u) => u.seq > rematch.seq, 20_000, 'a move in the rematch');
    // Back to the lobby: no bot or deadline writes after this, so the snapshot and the events agree.
    await ok(host, 'room:reset', { actionId: aid(), roomId: room.roomId });
    const rooms = arena.app.get(RoomsService);
    const { state, version } = await snapshot(room.roomId);
    const folded = await rooms.replay(room.roomId);
    expect(folded.seq).toBe(version);
    expect(JSON.parse(JSON.stringify(folded))).toEqual(state);
    expect((await seqs(room.roomId)).length).toBe(version);
  });

  it('two processes writing one room never both win a version: every ack is one event, gapless', async () => {
    const other = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    try {
      const { roomId, players } = await benchRoom(arena, 2);
      const remote = await other.socket(players[1].token);
      const acks = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          ok(i % 2 === 0 ? players[0].socket : remote, 'game:action', {
            actionId: aid('x'),
            roomId,
            action: { type: 'bump' },
          }),
        ),
      );
      const { state, version } = await snapshot(roomId);
      expect(state.game.counter).toBe(40);
      expect(new Set(acks.map((a) => a.seq)).size).toBe(40);
      expect(await seqs(roomId)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
    } finally {
      await other.close();
    }
  });

  it('stopping the app mid-game and starting new instances on the same database resumes the room; the pending deadline fires once', async () => {
    const a = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    const hostToken = await a.guest('Restart Host');
    const guestToken = await a.guest('Restart Guest');
    const host = await a.socket(hostToken);
    const guest = await a.socket(guestToken);
    const options = { rounds: 1, roundMs: 800, votingMs: 60000, intermissionMs: 20 };
    const room = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 2, options });
    await ok(guest, 'room:join', { actionId: aid(), roomId: room.roomId });
    await ok(host, 'room:start', { actionId: aid(), roomId: room.roomId });
    await ok(host, 'game:action', {
      actionId: aid(),
      roomId: room.roomId,
      action: { type: 'roast', text: 'Your code compiles only on your machine' },
    });
    const { rows } = await db.query('SELECT next_deadline_id FROM rooms WHERE id = $1', [room.roomId]);
    const deadlineId = rows[0].next_deadline_id as string;
    expect(deadlineId).toMatch(/^g1:round:1:/);
    await a.close();
    const firedBefore = await db.query('SELECT count(*) FROM room_events WHERE room_id = $1 AND action_id = $2', [
      room.roomId,
      `deadline:${deadlineId}`,
    ]);
    expect(Number(firedBefore.rows[0].count)).toBe(0);

    // Two new processes on the same database race for the deadline.
    const b = await createTestApp({ ...FAST_ROOMS }, arena.databaseUrl);
    const c = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    try {
      await until(
        async () => (await snapshot(room.roomId)).state.game.phase === 'voting',
        'the round deadline to fire',
      );
      // Let both sweepers run a few more times: still fired exactly once.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const fired = await db.query(
        `SELECT count(*) FROM room_events WHERE room_id = $1 AND (action_id = $2 OR (type = 'game.timeout' AND payload->'command'->>'deadlineId' = $3))`,
        [room.roomId, `deadline:${deadlineId}`, deadlineId.replace(/^g1:/, '')],
      );
      expect(Number(fired.rows[0].count)).toBe(1);

      // The seats came back, and play goes on from a new socket on the new process.
      const back = await c.socket(guestToken);
      const rejoined = await ok(back, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
      expect(rejoined.seat).toBe(1);
      expect((rejoined.view.game as any).phase).toBe('voting');
      await ok(back, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'vote', seat: 0 } });
      const final = await until(async () => {
        const s = await snapshot(room.roomId);
        return s.state.phase === 'finished' && s;
      }, 'the battle to finish');
      expect(final.state.game.scores).toEqual({ 0: 1, 1: 0 });
      const folded = await c.app.get(RoomsService).replay(room.roomId);
      expect(JSON.parse(JSON.stringify(folded))).toEqual(final.state);
    } finally {
      await b.close();
      await c.close();
    }
  });
});
