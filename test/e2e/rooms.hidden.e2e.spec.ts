import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

describe('what a room never tells', () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
  });
  afterAll(() => arena.close());

  const player = async (name: string) => {
    const token = await arena.guest(name);
    const socket = await arena.socket(token);
    return { token, socket, log: new UpdateLog(socket) };
  };

  it('a night kill does not say who made it: only its author sees its seat and action', async () => {
    const seats = [await player('Night A'), await player('Night B'), await player('Night C'), await player('Night D')];
    const watcher = await player('Night Watcher');
    const room = await ok(seats[0].socket, 'room:create', {
      actionId: aid(),
      gameId: 'mafia',
      seatCount: 4,
      options: { nightMs: 60_000 },
    });
    for (const p of seats.slice(1)) await ok(p.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
    await ok(watcher.socket, 'room:watch', { roomId: room.roomId });
    await ok(seats[0].socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    const roles = await Promise.all(
      seats.map(async (p) => (await p.log.until((u) => (u.view.game as any)?.phase === 'night')).view.game as any),
    );
    const mafiaIndex = roles.findIndex((game) => game.you.role === 'mafia');
    const victim = roles.findIndex((game) => game.you.role === 'town');
    const kill = await ok(seats[mafiaIndex].socket, 'game:action', {
      actionId: aid(),
      roomId: room.roomId,
      action: { type: 'kill', seat: roles[victim].you.seat },
    });

    const seen = (log: UpdateLog) =>
      log
        .until((u) => u.seq >= kill.seq)
        .then(() => log.updates.flatMap((u) => u.events).find((e) => e.seq === kill.seq)!);
    const byAuthor = await seen(seats[mafiaIndex].log);
    expect(byAuthor).toMatchObject({
      type: 'game.act',
      actorSeat: roles[mafiaIndex].you.seat,
      action: { type: 'kill' },
    });
    for (const log of [seats[victim].log, watcher.log]) {
      const event = await seen(log);
      expect(event.actorSeat).toBeNull();
      expect(event.action).toBeUndefined();
    }
    const replay = await arena
      .http()
      .get(`/rooms/${room.roomId}/events?after=0`)
      .set('Authorization', `Bearer ${seats[victim].token}`)
      .expect(200);
    expect(replay.body.events.find((e: { seq: number }) => e.seq === kill.seq).actorSeat).toBeNull();
  });

  it("a seat's new holder does not read its predecessor's role from the history", async () => {
    const host = await player('History Host');
    const alice = await player('History Alice');
    const room = await ok(host.socket, 'room:create', {
      actionId: aid(),
      gameId: 'mafia',
      seatCount: 4,
      botFill: true,
      options: { nightMs: 60_000 },
    });
    const seat = (await ok(alice.socket, 'room:join', { actionId: aid(), roomId: room.roomId })).seat;
    await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    await alice.log.until((u) => (u.view.game as any)?.phase === 'night');
    await ok(alice.socket, 'room:leave', { actionId: aid(), roomId: room.roomId });
    await ok(host.socket, 'room:reset', { actionId: aid(), roomId: room.roomId });

    const bob = await player('History Bob');
    const joined = await ok(bob.socket, 'room:join', { actionId: aid(), roomId: room.roomId, seat });
    expect(joined.seat).toBe(seat);
    const history = await arena
      .http()
      .get(`/rooms/${room.roomId}/events?after=0`)
      .set('Authorization', `Bearer ${bob.token}`)
      .expect(200);
    const types = history.body.events.flatMap((e: { events: Array<{ type: string }> }) => e.events.map((g) => g.type));
    expect(types).toContain('game_started');
    expect(types).not.toContain('role_assigned');
    const rejoined = await ok(bob.socket, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
    expect(JSON.stringify(rejoined.events)).not.toContain('role_assigned');
  });

  it('refuses a configure without settings with VALIDATION_FAILED, and a create whose actionId was used for another room', async () => {
    const host = await player('Careful Host');
    const room = await ok(host.socket, 'room:create', { actionId: 'create-once', gameId: 'roast', seatCount: 3 });
    const bare = await ask(host.socket, 'room:configure', { actionId: aid(), roomId: room.roomId });
    expect(bare.error.code).toBe('VALIDATION_FAILED');
    const again = await ask(host.socket, 'room:create', { actionId: 'create-once', gameId: 'roast', seatCount: 3 });
    expect(again.data.roomId).toBe(room.roomId);
    const other = await ask(host.socket, 'room:create', { actionId: 'create-once', gameId: 'mafia', seatCount: 4 });
    expect(other.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
