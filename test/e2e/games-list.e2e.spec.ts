import { aid } from '../support/rooms';
import { ask, createTestApp, type TestApp } from '../support/test-app';

/** The games on offer are the engine registry's: the REST list, lobby:games and every DTO agree with it. */
describe('the games list', () => {
  const listed = async (arena: TestApp) =>
    ((await arena.http().get('/games').expect(200)).body.games as Array<{ gameId: string }>).map((g) => g.gameId);

  it("without ARENA_BENCH_GAME (production) offers roast, mafia, crew, villa and chsh, and refuses the benchmarks' game as an unknown value", async () => {
    const arena = await createTestApp({ ARENA_BENCH_GAME: '0' });
    try {
      expect(await listed(arena)).toEqual(['roast', 'mafia', 'crew', 'villa', 'chsh']);
      const socket = await arena.socket(await arena.guest('Lister'));
      const games = await ask(socket, 'lobby:games');
      expect(games.data.map((g: { gameId: string }) => g.gameId)).toEqual(['roast', 'mafia', 'crew', 'villa', 'chsh']);
      const refused = await ask(socket, 'room:create', { actionId: aid(), gameId: 'bench' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect((await arena.http().get('/rooms?gameId=bench').expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await ask(socket, 'room:create', { actionId: aid(), gameId: 'mafia' })).ok).toBe(true);
    } finally {
      await arena.close();
    }
  });

  it('registers the bench game when the benchmark asks for it', async () => {
    const arena = await createTestApp({ ARENA_BENCH_GAME: '1' });
    try {
      expect(await listed(arena)).toEqual(['roast', 'mafia', 'crew', 'villa', 'bench', 'chsh']);
      const socket = await arena.socket(await arena.guest('Bencher'));
      expect((await ask(socket, 'room:create', { actionId: aid(), gameId: 'bench' })).ok).toBe(true);
    } finally {
      await arena.close();
    }
  });
});
