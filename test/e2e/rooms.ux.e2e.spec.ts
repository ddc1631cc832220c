import { createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
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
        await host.log.until((u) => host.log.updates.indexOf(u) >= awaySeen && u.view.seats[1]?.away === true, 5000, 'seat 1 away');
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
});
