import type { Socket } from 'socket.io-client';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

type Rejoined = {
  seat: number | null;
  view: { seq: number; seats: { seat: number; away: boolean; control: string }[] };
  events: { seq: number; events: { type: string }[] }[];
};

describe('rooms as a player sees them', () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
  });
  afterAll(async () => {
    await arena.close();
  });

  const player = async (name: string) => {
    const token = await arena.guest(name);
    const socket = await arena.socket(token);
    return { token, socket, log: new UpdateLog(socket) };
  };

  describe('room:create', () => {
    it('names a room the player did not name even when its name made from theirs is refused', async () => {
      // "Guest 717" passes as a display name; "Guest 717's bench", the name made for the room, reads as a word it may not.
      const host = await player('Guest 717');
      const created = await ask(host.socket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
      expect(created).toMatchObject({ ok: true });
      expect(created.data.view.name).toBe('A bench room');

      const named = await ask(host.socket, 'room:create', {
        actionId: aid(),
        gameId: 'bench',
        seatCount: 2,
        name: "Guest 717's bench",
      });
      expect(named.error?.code).toBe('CONTENT_BLOCKED');
    });
  });

  describe('room:rejoin', () => {
    it('answers with the seat already back, and the seat_returned event inside the view it answers', async () => {
      const host = await player('Rejoin Host');
      const dropper = await player('Rejoin Dropper');
      const room = await ok(host.socket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
      await ok(dropper.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });

      // Several drops and comebacks: the rejoin races the new socket's own return of the seat each time.
      let socket = dropper.socket;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const awaySeen = host.log.updates.length;
        socket.disconnect();
        await host.log.until(
          (u) => host.log.updates.indexOf(u) >= awaySeen && u.view.seats[1]?.away === true,
          5000,
          'seat 1 away',
        );
        socket = await arena.socket(dropper.token);
        const rejoined = await ok<Rejoined>(socket, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
        expect(rejoined.seat).toBe(1);
        expect(rejoined.view.seats[1]).toMatchObject({ away: false, control: 'player' });
        const returned = rejoined.events.filter((event) => event.events.some((e) => e.type === 'seat_returned'));
        expect(returned.length).toBe(attempt + 1);
        expect(returned.at(-1)!.seq).toBeLessThanOrEqual(rejoined.view.seq);
      }
    });
  });

  describe('room:start', () => {
    it('announces one game_started per start, for every game', async () => {
      for (const gameId of ['mafia', 'roast']) {
        const host = await player(`Starter ${gameId}`);
        const room = await ok(host.socket, 'room:create', {
          actionId: aid(),
          gameId,
          seatCount: 4,
          botFill: true,
          options: gameId === 'mafia' ? { nightMs: 60000 } : { roundMs: 60000 },
        });
        const started = await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
        const update = await host.log.until((u) => u.events.some((event) => event.seq === started.seq));
        const types = update.events.find((event) => event.seq === started.seq)!.events.map((e) => e.type);
        expect({ gameId, count: types.filter((type) => type === 'game_started').length }).toEqual({ gameId, count: 1 });
        await ok(host.socket, 'room:reset', { actionId: aid(), roomId: room.roomId });
      }
    });
  });

  describe('a room everyone left', () => {
    const listed = async (viewer: Awaited<ReturnType<typeof player>>, gameId: string) => {
      const overSocket = await ok(viewer.socket, 'lobby:list', { gameId });
      const overRest = await arena.http().get(`/rooms?gameId=${gameId}`).expect(200);
      return {
        socket: overSocket.rooms.map((room: { roomId: string }) => room.roomId) as string[],
        rest: overRest.body.rooms.map((room: { roomId: string }) => room.roomId) as string[],
      };
    };
    const phaseOf = async (token: string, roomId: string) =>
      (await arena.http().get(`/rooms/${roomId}`).set('Authorization', `Bearer ${token}`).expect(200)).body as {
        phase: string;
        seq: number;
        result: unknown;
      };
    const closed = async (token: string, roomId: string) => {
      for (let tries = 0; tries < 100; tries += 1) {
        const room = await phaseOf(token, roomId);
        if (room.phase === 'closed') return room;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`room ${roomId} never closed`);
    };

    it('leaves the lobby when its last player leaves: subscribers see it go, then it closes and nobody can take a seat', async () => {
      const watcher = await player('Lobby Onlooker');
      await ok(watcher.socket, 'lobby:subscribe', { gameId: 'roast' });
      const host = await player('Last Host');
      const guest = await player('Last Guest');
      const room = await ok(host.socket, 'room:create', {
        actionId: aid(),
        gameId: 'roast',
        seatCount: 4,
        reconnectWindowMs: 200,
      });
      await ok(host.socket, 'room:add-bots', { actionId: aid(), roomId: room.roomId, count: 1 });
      await ok(guest.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      expect(await listed(watcher, 'roast')).toEqual({
        socket: expect.arrayContaining([room.roomId]),
        rest: expect.arrayContaining([room.roomId]),
      });

      await ok(host.socket, 'room:leave', { actionId: aid(), roomId: room.roomId });
      expect((await listed(watcher, 'roast')).socket).toContain(room.roomId); // the guest is still there
      const gone = lobbyGone(watcher.socket, room.roomId);
      await ok(guest.socket, 'room:leave', { actionId: aid(), roomId: room.roomId });
      expect(await gone).toMatchObject({ roomId: room.roomId, open: false });
      const after = await listed(watcher, 'roast');
      expect(after.socket).not.toContain(room.roomId);
      expect(after.rest).not.toContain(room.roomId);

      expect((await closed(host.token, room.roomId)).phase).toBe('closed');
      const late = await player('Late Comer');
      expect((await ask(late.socket, 'room:join', { actionId: aid(), roomId: room.roomId })).error.code).toBe(
        'ROOM_CLOSED',
      );
      const matched = await ok(late.socket, 'lobby:quick-match', { actionId: aid(), gameId: 'roast' });
      expect(matched.roomId).not.toBe(room.roomId);
      expect((await ok(late.socket, 'room:watch', { roomId: room.roomId })).phase).toBe('closed');
    });

    it('a game whose last player left is played to its end by the bots, then the room closes and the bots stop', async () => {
      const host = await player('Quitter');
      const options = { rounds: 2, roundMs: 50, votingMs: 50, intermissionMs: 10 };
      const room = await ok(host.socket, 'room:create', {
        actionId: aid(),
        gameId: 'roast',
        seatCount: 3,
        botFill: true,
        reconnectWindowMs: 100,
        options,
      });
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      await ok(host.socket, 'room:leave', { actionId: aid(), roomId: room.roomId });
      const final = await closed(host.token, room.roomId);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await phaseOf(host.token, room.roomId)).seq).toBe(final.seq);
      const events = await arena
        .http()
        .get(`/rooms/${room.roomId}/events?after=0&limit=500`)
        .set('Authorization', `Bearer ${host.token}`)
        .expect(200);
      const types = events.body.events.flatMap((event: { events: { type: string }[] }) =>
        event.events.map((e) => e.type),
      );
      expect(types.slice(-2)).toEqual(['game_over', 'room_closed']);
    });

    it('closes a lobby whose last player dropped and did not come back within the reconnect window', async () => {
      const watcher = await player('Window Onlooker');
      const dropper = await player('Never Back');
      const room = await ok(dropper.socket, 'room:create', {
        actionId: aid(),
        gameId: 'mafia',
        seatCount: 5,
        reconnectWindowMs: 50,
      });
      await ok(watcher.socket, 'lobby:subscribe', { gameId: 'mafia' });
      const gone = lobbyGone(watcher.socket, room.roomId);
      dropper.socket.disconnect();
      await gone;
      expect((await listed(watcher, 'mafia')).rest).not.toContain(room.roomId);
      await closed(watcher.token, room.roomId);
    });
  });
});

/** The lobby:room broadcast that takes this room off the open list. */
function lobbyGone(
  socket: Socket,
  roomId: string,
  timeoutMs = 5000,
): Promise<{ roomId: string; open: boolean; phase: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`room ${roomId} never left the lobby`)), timeoutMs);
    socket.on('lobby:room', (entry: { roomId: string; open: boolean; phase: string }) => {
      if (entry.roomId !== roomId || entry.open) return;
      clearTimeout(timer);
      resolve(entry);
    });
  });
}
