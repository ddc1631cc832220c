import { ordinal, rate, rating } from 'openskill';
import { Client } from 'pg';
import { MatchRatingService } from '../../src/telemetry/match-ratings.service';
import { bearer, guestAccount, type Account } from '../support/moderation';
import { seedMatch, type SeedSeat } from '../support/telemetry';
import { ask, createTestApp, UNTHROTTLED, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

/**
 * Seven known roast matches (two of them 60 days old) between six players and a bot; every statistic,
 * rating direction and leaderboard rank below is worked out by hand from them.
 *   m1 old: A beats B      m2 old: A beats C      m3: B beats A      m4: B beats C and D (free-for-all)
 *   m5: C beats D          m6: D beats a bot      m7: E beats F
 */
describe('telemetry: statistics, ratings and leaderboards', () => {
  let arena: TestApp;
  let second: TestApp;
  let db: Client;
  let p: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', Account>;
  const id = (name: keyof typeof p) => p[name].userId;
  const byId = (names: Array<keyof typeof p>) => names.map(id).sort();

  beforeAll(async () => {
    // The rater only runs when asked here, so the test decides when matches count.
    const env = { ...UNTHROTTLED, MATCH_RATING_INTERVAL_MS: '3600000' };
    arena = await createTestApp(env);
    second = await createTestApp(env, arena.databaseUrl);
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    const names = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
    const accounts = await Promise.all(names.map((name) => guestAccount(arena, `Player ${name}`)));
    p = Object.fromEntries(names.map((name, i) => [name, accounts[i]])) as typeof p;

    const now = Date.now();
    const win = (name: keyof typeof p, figures?: Record<string, number>): SeedSeat => ({
      userId: id(name),
      win: true,
      figures,
    });
    const loss = (name: keyof typeof p, figures?: Record<string, number>): SeedSeat => ({
      userId: id(name),
      win: false,
      figures,
    });
    const seeds: Array<[number, number, SeedSeat[]]> = [
      [now - 60 * DAY, 1000, [win('A'), loss('B')]],
      [now - 60 * DAY + 60_000, 2000, [win('A'), loss('C')]],
      [now - 6 * 60_000, 3000, [win('B', { roundsWon: 1 }), loss('A', { roundsWon: 0 })]],
      [now - 5 * 60_000, 4000, [win('B', { roundsWon: 2 }), loss('C', { roundsWon: 1 }), loss('D')]],
      [now - 4 * 60_000, 5000, [win('C'), loss('D')]],
      [now - 3 * 60_000, 6000, [win('D'), { userId: null, kind: 'bot', win: false }]],
      [now - 2 * 60_000, 7000, [win('E'), loss('F')]],
    ];
    for (const [at, duration, seats] of seeds) await seedMatch(db, 'roast', new Date(at), duration, seats);
  });
  afterAll(async () => {
    await db.end();
    await second.close();
    await arena.close();
  });

  it('counts each match exactly once, even with two processes rating at the same moment', async () => {
    const rated = await Promise.all([
      arena.app.get(MatchRatingService).rateAll(),
      second.app.get(MatchRatingService).rateAll(),
    ]);
    expect((await arena.app.get(MatchRatingService).rateAll()) + rated[0] + rated[1]).toBe(7);
    expect((await db.query(`SELECT count(*)::int AS n FROM matches WHERE rated_at IS NULL`)).rows[0].n).toBe(0);
    // The bot seat is recorded, and has no standing.
    expect((await db.query(`SELECT count(*)::int AS n FROM match_participants WHERE kind = 'bot'`)).rows[0].n).toBe(1);
    const users = (await db.query(`SELECT DISTINCT user_id FROM player_stats`)).rows.map((row) => row.user_id);
    expect(users.sort()).toEqual(byId(['A', 'B', 'C', 'D', 'E', 'F']));
  });

  it("answers each player's record: played, won, lost, win rate, streaks and the game's own figures", async () => {
    const expected = {
      A: [3, 2, 1, 0, 2],
      B: [3, 2, 1, 2, 2],
      C: [3, 1, 2, 1, 1],
      D: [3, 1, 2, 1, 1],
      E: [1, 1, 0, 1, 1],
      F: [1, 0, 1, 0, 0],
    } as const;
    for (const [name, [played, won, lost, currentStreak, bestStreak]] of Object.entries(expected)) {
      const account = p[name as keyof typeof p];
      const { body } = await arena.http().get(`/players/${account.userId}/stats`).set(bearer(p.A.token)).expect(200);
      expect(body).toMatchObject({ userId: account.userId, displayName: `Player ${name}` });
      expect(body.games).toHaveLength(1);
      expect(body.games[0]).toMatchObject({ gameId: 'roast', played, won, lost, currentStreak, bestStreak });
      expect(body.games[0].winRate).toBeCloseTo(won / played, 12);
    }
    const b = await arena
      .http()
      .get(`/players/${id('B')}/stats`)
      .set(bearer(p.A.token))
      .expect(200);
    expect(b.body.games[0].figures).toEqual({ roundsWon: 3 });
    const mine = await ask(await arena.socket(p.C.token), 'stats:me');
    expect(mine).toMatchObject({ ok: true, data: { userId: id('C'), games: [{ played: 3, won: 1, lost: 2 }] } });
    const unknown = await arena
      .http()
      .get(`/players/00000000-0000-4000-8000-000000000000/stats`)
      .set(bearer(p.A.token))
      .expect(404);
    expect(unknown.body.code).toBe('PLAYER_NOT_FOUND');
  });

  it('moves ratings the right way: a win from the start rating is exactly openskill’s, above a loss', async () => {
    const [winner, loser] = rate([[rating()], [rating()]], { rank: [1, 2] });
    const e = (
      await arena
        .http()
        .get(`/players/${id('E')}/stats`)
        .set(bearer(p.A.token))
    ).body.games[0].rating;
    const f = (
      await arena
        .http()
        .get(`/players/${id('F')}/stats`)
        .set(bearer(p.A.token))
    ).body.games[0].rating;
    expect(e).toEqual({ mu: winner[0].mu, sigma: winner[0].sigma, value: ordinal(winner[0]) });
    expect(f).toEqual({ mu: loser[0].mu, sigma: loser[0].sigma, value: ordinal(loser[0]) });
    expect(e.value).toBeGreaterThan(0); // the start rating's ordinal is 0
    expect(f.value).toBeLessThan(0);
    const board = await arena.http().get('/leaderboards/roast/rating?limit=100').set(bearer(p.A.token)).expect(200);
    const values = board.body.entries.map((entry: { value: number }) => entry.value);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    expect(board.body.entries.map((entry: { rank: number }) => entry.rank)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('ranks wins over all time with shared ranks for ties, page by page', async () => {
    const order = [...byId(['A', 'B']), ...byId(['C', 'D', 'E']), id('F')];
    const ranks = [1, 1, 3, 3, 3, 6];
    const seen: Array<[string, number, number]> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { limit: 2, ...(cursor ? { cursor } : {}) };
      const { body } = await arena
        .http()
        .get('/leaderboards/roast/wins')
        .query(query)
        .set(bearer(p.A.token))
        .expect(200);
      expect(body).toMatchObject({ gameId: 'roast', metric: 'wins', period: 'all', periodStart: '1970-01-01' });
      expect(body.entries.length).toBeLessThanOrEqual(2);
      for (const entry of body.entries) seen.push([entry.userId, entry.rank, entry.value]);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(order.map((userId, i) => [userId, ranks[i], [2, 2, 1, 1, 1, 0][i]]));
  });

  it('ranks this week and this month from their own matches only', async () => {
    for (const period of ['week', 'month']) {
      const { body } = await arena
        .http()
        .get('/leaderboards/roast/wins')
        .query({ period, limit: 10 })
        .set(bearer(p.A.token))
        .expect(200);
      expect(
        body.entries.map((entry: { userId: string; rank: number; value: number; played: number }) => [
          entry.userId,
          entry.rank,
          entry.value,
          entry.played,
        ]),
      ).toEqual([
        [id('B'), 1, 2, 2],
        ...byId(['C', 'D', 'E']).map((userId) => [userId, 2, 1, userId === id('D') ? 3 : userId === id('C') ? 2 : 1]),
        ...byId(['A', 'F']).map((userId) => [userId, 5, 0, 1]),
      ]);
    }
  });

  it('ranks win rate among players with the minimum of games, over REST and the socket alike', async () => {
    const rest = await arena
      .http()
      .get('/leaderboards/roast/win-rate')
      .query({ minGames: 3 })
      .set(bearer(p.A.token))
      .expect(200);
    const expected = [
      ...byId(['A', 'B']).map((userId) => [userId, 1]),
      ...byId(['C', 'D']).map((userId) => [userId, 3]),
    ];
    expect(rest.body.minGames).toBe(3);
    expect(rest.body.entries.map((entry: { userId: string; rank: number }) => [entry.userId, entry.rank])).toEqual(
      expected,
    );
    expect(rest.body.entries[0].value).toBeCloseTo(2 / 3, 12);
    const socket = await arena.socket(p.E.token);
    const live = await ask(socket, 'leaderboard:get', { gameId: 'roast', metric: 'win-rate', minGames: 3 });
    expect(live.ok).toBe(true);
    expect(live.data.entries).toEqual(rest.body.entries);
  });

  it('refuses bad leaderboard requests with a code', async () => {
    const get = (path: string) => arena.http().get(path).set(bearer(p.A.token));
    expect((await get('/leaderboards/roast/kills').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await get('/leaderboards/chess/wins').expect(404)).body.code).toBe('UNKNOWN_GAME');
    expect((await get('/leaderboards/roast/wins?period=year').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await get('/leaderboards/roast/wins?cursor=nonsense').expect(400)).body.code).toBe('INVALID_CURSOR');
    const socket = await arena.socket(p.A.token);
    const reply = await ask(socket, 'leaderboard:get', { gameId: 'roast', metric: 'wins', limit: 1000 });
    expect(reply.error.code).toBe('VALIDATION_FAILED');
  });
});
