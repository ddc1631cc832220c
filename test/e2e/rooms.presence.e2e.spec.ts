import { aid, ok } from '../support/rooms';
import { createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

const until = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * A restart is not a drop: a seated player's socket that went with a stopped process keeps its seat, so
 * that the player can reconnect anywhere. A player who never comes back must not hold it forever.
 */
describe('seats whose player left with a process', () => {
  it('are dropped by the next process when their player never reconnects, and their room leaves the lobby', async () => {
    const first = await createTestApp(FAST_ROOMS);
    const hostToken = await first.guest('Gone Host');
    const host = await first.socket(hostToken);
    const { roomId } = await ok(host, 'room:create', {
      actionId: aid(),
      gameId: 'roast',
      seatCount: 2,
      reconnectWindowMs: 300,
    });
    const listed = async (arena: TestApp) =>
      ((await arena.http().get('/rooms?gameId=roast').expect(200)).body.rooms as Array<{ roomId: string }>).some(
        (room) => room.roomId === roomId,
      );
    expect(await listed(first)).toBe(true);
    await first.close(); // graceful: the seat is kept for a reconnect

    const second = await createTestApp({ ...FAST_ROOMS, ROOM_PRESENCE_SWEEP_MS: '200' }, first.databaseUrl);
    try {
      const stayerToken = await second.guest('Stayer');
      const stayer = await second.socket(stayerToken);
      const kept = await ok(stayer, 'room:create', {
        actionId: aid(),
        gameId: 'roast',
        seatCount: 2,
        reconnectWindowMs: 300,
      });
      expect(await listed(second)).toBe(true); // held for its player, as a restart must

      await until(async () => !(await listed(second)), 5000, 'the abandoned room leaves the lobby');
      const lateToken = await second.guest('Late');
      const phase = async () =>
        (await second.http().get(`/rooms/${roomId}`).set('Authorization', `Bearer ${lateToken}`).expect(200)).body
          .phase as string;
      await until(
        async () => (await phase()) === 'closed',
        5000,
        'the abandoned room closes after its reconnect window',
      );

      // A player who is connected keeps the seat through every sweep.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const detail = await second
        .http()
        .get(`/rooms/${kept.roomId}`)
        .set('Authorization', `Bearer ${stayerToken}`)
        .expect(200);
      expect(detail.body.seats[0]).toMatchObject({ away: false, control: 'player' });
    } finally {
      await second.close();
    }
  });
});
