import { Client } from 'pg';
import { MatchRatingService } from '../../src/telemetry/match-ratings.service';
import { duelToLastVote } from '../support/roast-duel';
import { aid, ok, UpdateLog } from '../support/rooms';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

/**
 * A finished game leaves one match row, written with the event that finished it: never two, whether the
 * final action is retried (concurrently, or after a restart) or two processes race to finish the game.
 */
describe('telemetry: match rows', () => {
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

  const matchesOf = async (roomId: string) =>
    (await db.query(`SELECT * FROM matches WHERE room_id = $1 ORDER BY game_no`, [roomId])).rows;
  const participantsOf = async (matchId: string) =>
    (await db.query(`SELECT * FROM match_participants WHERE match_id = $1 ORDER BY seat`, [matchId])).rows;

  it('writes one match with its participants in the final event, however often the final vote is retried', async () => {
    const host = await arena.socket(await arena.guest('Duelist A'));
    const guestToken = await arena.guest('Duelist B');
    const guest = await arena.socket(guestToken);
    const { roomId, lastVote } = await duelToLastVote(host, guest);

    const copies = await Promise.all(Array.from({ length: 5 }, () => ask(guest, 'game:action', lastVote)));
    expect(copies.every((reply) => reply.ok)).toBe(true);
    expect(new Set(copies.map((reply) => reply.data.seq)).size).toBe(1);
    const finalSeq = copies[0].data.seq;

    const [match] = await matchesOf(roomId);
    expect(await matchesOf(roomId)).toHaveLength(1);
    // The tie (one vote each) goes to the lowest seat.
    expect(match).toMatchObject({ game_id: 'roast', game_no: 1, end_seq: finalSeq, rules_version: 1, winners: [0] });
    const finalEvent = (
      await db.query(`SELECT at FROM room_events WHERE room_id = $1 AND seq = $2`, [roomId, finalSeq])
    ).rows[0];
    expect(match.finished_at).toEqual(finalEvent.at);
    expect(Number(match.duration_ms)).toBe(match.finished_at.getTime() - match.started_at.getTime());
    const seats = await participantsOf(match.id);
    expect(seats.map((s) => [s.seat, s.kind, s.win, s.score, s.figures])).toEqual([
      [0, 'human', true, 1, { roundsWon: 1 }],
      [1, 'human', false, 0, { roundsWon: 0 }],
    ]);

    // A process that never saw the room (a restart) answers the same key with the first result, and writes nothing.
    const restarted = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    try {
      const reply = await ask(await restarted.socket(guestToken), 'game:action', lastVote);
      expect(reply).toMatchObject({ ok: true, data: { seq: finalSeq } });
    } finally {
      await restarted.close();
    }
    expect(await matchesOf(roomId)).toHaveLength(1);
    host.disconnect();
    guest.disconnect();
  });

  it('records bots and revealed roles, and rates only the players', async () => {
    const hostToken = await arena.guest('Lone townsperson');
    const host = await arena.socket(hostToken);
    const log = new UpdateLog(host);
    const options = { nightMs: 30, discussionMs: 30, votingMs: 30, maxDays: 1 };
    const { roomId } = await ok(host, 'room:create', {
      actionId: aid(),
      gameId: 'mafia',
      seatCount: 4,
      botFill: true,
      options,
    });
    await ok(host, 'room:start', { actionId: aid(), roomId });
    const done = await log.until((u) => u.roomId === roomId && u.view.phase === 'finished', 20_000, 'the game over');

    const [match] = await matchesOf(roomId);
    expect(await matchesOf(roomId)).toHaveLength(1);
    expect(match.winners).toEqual(done.view.result?.winners);
    const seats = await participantsOf(match.id);
    const roles = (done.view.game as { roles: Record<number, string> }).roles;
    expect(seats.map((s) => [s.seat, s.kind, s.user_id === null, s.role, s.team])).toEqual(
      [0, 1, 2, 3].map((seat) => [seat, seat === 0 ? 'human' : 'bot', seat !== 0, roles[seat], roles[seat]]),
    );
    for (const seat of seats) expect(seat.figures.nightsSurvived).toBeGreaterThanOrEqual(0);

    await arena.app.get(MatchRatingService).rateAll();
    const standings = (await db.query(`SELECT user_id, period, played FROM player_stats WHERE game_id = 'mafia'`)).rows;
    const me = seats[0].user_id;
    expect(standings.map((row) => [row.user_id, row.period, row.played]).sort()).toEqual(
      [
        [me, 'all', 1],
        [me, 'month', 1],
        [me, 'week', 1],
      ].sort(),
    );
    expect((await db.query(`SELECT rated_at FROM matches WHERE id = $1`, [match.id])).rows[0].rated_at).not.toBeNull();
    host.disconnect();
  });

  it('two processes racing to finish a game write one match', async () => {
    const other = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    try {
      for (let round = 0; round < 4; round += 1) {
        const host = await arena.socket(await arena.guest(`Racer A${round}`));
        const guestToken = await arena.guest(`Racer B${round}`);
        const guest = await arena.socket(guestToken);
        const { roomId, lastVote } = await duelToLastVote(host, guest);
        const guestElsewhere = await other.socket(guestToken);
        // The same final vote reaches both processes at once (a client retrying through another node).
        const [here, there] = await Promise.all([
          ask(guest, 'game:action', lastVote),
          ask(guestElsewhere, 'game:action', lastVote),
        ]);
        expect(here).toMatchObject({ ok: true });
        expect(there).toMatchObject({ ok: true, data: { seq: here.data.seq } });
        const matches = await matchesOf(roomId);
        expect(matches.map((m) => [m.game_no, m.end_seq])).toEqual([[1, here.data.seq]]);
        host.disconnect();
        guest.disconnect();
      }
    } finally {
      await other.close();
    }
  });
});
