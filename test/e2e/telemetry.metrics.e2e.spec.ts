import { duelToLastVote } from '../support/roast-duel';
import { aid, ok, UpdateLog } from '../support/rooms';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

/** /metrics: rooms by game and phase, actions by outcome code, latency, fan-out, the pool, deadline lag, matches. */
describe('telemetry: /metrics', () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
  });
  afterAll(() => arena.close());

  const sample = (text: string, series: string): number | null => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? null : Number(line.slice(series.length + 1));
  };

  it('counts what rooms did, by game, and reads rooms and the pool as they stand', async () => {
    const host = await arena.socket(await arena.guest('Metric A'));
    const guest = await arena.socket(await arena.guest('Metric B'));
    const { roomId, lastVote } = await duelToLastVote(host, guest);
    await ok(guest, 'game:action', lastVote);
    await ok(guest, 'game:action', lastVote); // a retry: DUPLICATE
    const late = await ask(host, 'game:action', { actionId: aid(), roomId, action: { type: 'vote', seat: 1 } });
    expect(late.error.code).toBe('GAME_NOT_ACTIVE');

    // A bots-only Mafia game: its phases end by deadline.
    const log = new UpdateLog(host);
    const mafia = await ok(host, 'room:create', {
      actionId: aid(),
      gameId: 'mafia',
      seatCount: 4,
      botFill: true,
      options: { nightMs: 30, discussionMs: 30, votingMs: 30, maxDays: 1 },
    });
    await ok(host, 'room:leave', { actionId: aid(), roomId: mafia.roomId });
    await ok(host, 'room:watch', { roomId: mafia.roomId });
    await ok(host, 'room:start', { actionId: aid(), roomId: mafia.roomId });
    await log.until((u) => u.roomId === mafia.roomId && u.view.phase === 'finished', 20_000, 'mafia finished');
    await ok(host, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });

    const { text } = await arena.http().get('/metrics').expect(200);
    expect(sample(text, 'arena_rooms_active{game="roast",phase="finished"}')).toBe(1);
    expect(sample(text, 'arena_rooms_active{game="mafia",phase="finished"}')).toBe(1);
    expect(sample(text, 'arena_rooms_active{game="bench",phase="lobby"}')).toBe(1);
    // join, start, two roasts and two votes
    expect(sample(text, 'arena_game_actions_total{game="roast",code="OK"}')).toBe(6);
    expect(sample(text, 'arena_game_actions_total{game="roast",code="DUPLICATE"}')).toBe(1);
    expect(sample(text, 'arena_game_actions_total{game="roast",code="GAME_NOT_ACTIVE"}')).toBe(1);
    expect(sample(text, 'arena_room_action_latency_seconds_count{game="roast"}')).toBe(6);
    expect(sample(text, 'arena_matches_finished_total{game="roast"}')).toBe(1);
    expect(sample(text, 'arena_matches_finished_total{game="mafia"}')).toBe(1);
    // Bots' turns and the game's phases are stored deadlines: each firing is timed from when it was due.
    const lags = [...text.matchAll(/^arena_room_deadline_lag_seconds_count\{kind="(\w+)"\} (\d+)$/gm)];
    expect(lags.reduce((sum, [, , count]) => sum + Number(count), 0)).toBeGreaterThan(0);
    expect(sample(text, 'arena_room_broadcast_fanout_count')).toBeGreaterThan(0);
    // Two players in the duel: each update went to two seats and the spectators.
    expect(sample(text, 'arena_room_broadcast_fanout_bucket{le="2"}')).toBeLessThan(
      sample(text, 'arena_room_broadcast_fanout_count') as number,
    );
    for (const state of ['in_use', 'idle', 'waiting'])
      expect(sample(text, `arena_db_pool_connections{state="${state}"}`)).toBeGreaterThanOrEqual(0);
    expect(
      (sample(text, 'arena_db_pool_connections{state="in_use"}') as number) +
        (sample(text, 'arena_db_pool_connections{state="idle"}') as number),
    ).toBeLessThanOrEqual(8);
  });
});
