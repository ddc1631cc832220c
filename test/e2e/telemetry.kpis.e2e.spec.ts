import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { account, bearer, type Account } from '../support/moderation';
import { aid, ok, UpdateLog } from '../support/rooms';
import { seedMatch, seedRoom, seedUser } from '../support/telemetry';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

const at = (iso: string) => new Date(`2026-06-${iso}Z`);

/**
 * KPIs over a fixed fortnight of seeded history (1-15 June 2026, a Monday to a Monday), every figure
 * worked out by hand; and refused joins and reconnects as players cause them, over the live clock.
 */
describe('telemetry: KPIs', () => {
  let arena: TestApp;
  let db: Client;
  let admin: Account;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    admin = await account(arena, 'admin', 'kpi_admin');
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const kpis = async (from: Date, to: Date) =>
    (
      await arena
        .http()
        .get('/ops/kpis')
        .query({ from: from.toISOString(), to: to.toISOString() })
        .set(bearer(admin.token))
        .expect(200)
    ).body;

  it('reports the funnel, quick matches, match lengths, active players and reports of a seeded fortnight', async () => {
    const [u1, u2, u3, u4] = [
      await seedUser(db, 'U1'),
      await seedUser(db, 'U2'),
      await seedUser(db, 'U3'),
      await seedUser(db, 'U4'),
    ];
    const duel = (winner: string, loser: string | null) => [
      { userId: winner, win: true },
      loser === null ? { userId: null, kind: 'bot' as const, win: false } : { userId: loser, win: false },
    ];
    await seedMatch(db, 'roast', at('02T12:00:00'), 1000, duel(u1, u2));
    await seedMatch(db, 'roast', at('02T13:00:00'), 2000, duel(u1, u3));
    await seedMatch(db, 'roast', at('03T12:00:00'), 3000, duel(u2, null));
    await seedMatch(db, 'roast', at('09T12:00:00'), 4000, duel(u3, u4));
    await seedMatch(db, 'roast', at('10T12:00:00'), 10_000, duel(u1, u4));
    await seedMatch(db, 'mafia', at('12T12:00:00'), 60_000, [
      { userId: u1, win: true, team: 'town' },
      { userId: u2, win: true, team: 'town' },
      { userId: u3, win: false, team: 'mafia' },
      { userId: u4, win: true, team: 'town' },
    ]);
    await seedMatch(db, 'roast', at('20T12:00:00'), 5000, duel(u1, u2)); // after the range
    // Made in range and never started; made before the range and started in it.
    await seedRoom(db, 'roast', u1, [{ type: 'room.create', at: at('04T09:00:00') }], 'lobby');
    await seedRoom(db, 'roast', u1, [
      { type: 'room.create', at: new Date('2026-05-20T09:00:00Z') },
      { type: 'game.start', at: at('05T09:00:00') },
    ]);
    // Quick matches: two seats in a room that started, one in a room that never did.
    await seedRoom(db, 'roast', u1, [
      { type: 'room.create', at: at('06T09:00:00'), actor: u1, actionId: `${u1}:quick:a` },
      { type: 'seat.take', at: at('06T09:01:00'), actor: u2, actionId: `${u2}:quick:b` },
      { type: 'game.start', at: at('06T09:02:00') },
    ]);
    await seedRoom(db, 'roast', u3, [
      { type: 'room.create', at: at('07T09:00:00'), actor: u3, actionId: `${u3}:quick:c` },
    ]);
    // Reports: two resolved in range (1 h and 3 h), one still open, one resolved only after the range,
    // and one made after it.
    const report = (created: string, resolved: string | null) =>
      db.query(
        `INSERT INTO reports (reporter_id, target_kind, target_id, reason, status, created_at, last_reported_at, resolved_at, resolution)
         VALUES ($1, 'room', $2, 'spam', $3, $4, $4, $5, $6)`,
        [u1, randomUUID(), resolved ? 'resolved' : 'open', created, resolved, resolved ? 'dismiss' : null],
      );
    await report('2026-06-02T10:00:00Z', '2026-06-02T11:00:00Z');
    await report('2026-06-03T10:00:00Z', '2026-06-03T13:00:00Z');
    await report('2026-06-04T10:00:00Z', null);
    await report('2026-06-10T10:00:00Z', '2026-06-20T10:00:00Z');
    await report('2026-06-20T10:00:00Z', null);

    const body = await kpis(at('01T00:00:00'), at('15T00:00:00'));
    expect(body).toEqual({
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-06-15T00:00:00.000Z',
      funnel: [
        { gameId: 'mafia', created: 1, started: 1, finished: 1 },
        { gameId: 'roast', created: 8, started: 7, finished: 5 },
      ],
      quickMatch: { seats: 3, started: 2, conversion: 2 / 3 },
      reconnects: { attempted: 0, succeeded: 0, failed: 0 },
      joinsRefused: { roomFull: 0, secondSeat: 0, seatTaken: 0 },
      // percentile_cont over 1, 2, 3, 4 and 10 s: the median 3 s, p90 4 + 0.6 * 6 s.
      matchLength: [
        { gameId: 'mafia', matches: 1, medianMs: 60_000, p90Ms: 60_000 },
        { gameId: 'roast', matches: 5, medianMs: 3000, p90Ms: 7600 },
      ],
      activePlayers: {
        perDay: [
          { day: '2026-06-02', players: 3 },
          { day: '2026-06-03', players: 1 },
          { day: '2026-06-09', players: 2 },
          { day: '2026-06-10', players: 2 },
          { day: '2026-06-12', players: 4 },
        ],
        perWeek: [
          { week: '2026-06-01', players: 3 },
          { week: '2026-06-08', players: 4 },
        ],
      },
      reports: { open: 2, resolvedInRange: 2, medianResolveMs: 7_200_000 },
    });
  });

  it('counts the joins a room refused and the reconnects players made, as they happen', async () => {
    const from = new Date();
    const latecomer = await arena.socket(await arena.guest('Latecomer'));
    // A quick match that finds no open room makes one: a quick-match seat, and no refused join.
    await ok(latecomer, 'lobby:quick-match', { actionId: aid(), gameId: 'bench' });
    const host = await arena.socket(await arena.guest('Host'));
    const full = await ok(host, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 1 });
    expect((await ask(latecomer, 'room:join', { actionId: aid(), roomId: full.roomId })).error.code).toBe('ROOM_FULL');
    expect((await ask(host, 'room:join', { actionId: aid(), roomId: full.roomId })).error.code).toBe('ALREADY_SEATED');
    const two = await ok(host, 'room:create', {
      actionId: aid(),
      gameId: 'bench',
      seatCount: 2,
      reconnectWindowMs: 50,
    });
    expect((await ask(latecomer, 'room:join', { actionId: aid(), roomId: two.roomId, seat: 0 })).error.code).toBe(
      'SEAT_TAKEN',
    );

    // The host comes back to its held seat; a guest who dropped comes back after its seat went.
    await ok(host, 'room:rejoin', { roomId: full.roomId, lastSeq: 0 });
    const dropperToken = await arena.guest('Dropper');
    const dropper = await arena.socket(dropperToken);
    await ok(dropper, 'room:join', { actionId: aid(), roomId: two.roomId });
    const log = new UpdateLog(host);
    dropper.disconnect();
    await log.until((u) => u.roomId === two.roomId && u.view.seats.length === 1, 10_000, 'the dropped seat to go');
    const back = await arena.socket(dropperToken);
    expect((await ok(back, 'room:rejoin', { roomId: two.roomId, lastSeq: 0 })).seat).toBeNull();

    const body = await kpis(from, new Date(Date.now() + 60_000));
    expect(body.reconnects).toEqual({ attempted: 2, succeeded: 1, failed: 1 });
    expect(body.joinsRefused).toEqual({ roomFull: 1, secondSeat: 1, seatTaken: 1 });
    expect(body.funnel).toEqual([{ gameId: 'bench', created: 3, started: 0, finished: 0 }]);
    expect(body.quickMatch).toEqual({ seats: 1, started: 0, conversion: 0 });
  });

  it('is for admins only, and refuses a bad range with a code', async () => {
    const player = await account(arena, 'player', 'kpi_player');
    const moderator = await account(arena, 'moderator', 'kpi_mod');
    const query = { from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z' };
    for (const caller of [player, moderator]) {
      const refused = await arena.http().get('/ops/kpis').query(query).set(bearer(caller.token)).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    }
    await arena.http().get('/ops/kpis').query(query).expect(401);
    const backwards = await arena
      .http()
      .get('/ops/kpis')
      .query({ from: query.to, to: query.from })
      .set(bearer(admin.token))
      .expect(400);
    expect(backwards.body.code).toBe('VALIDATION_FAILED');
    const missing = await arena
      .http()
      .get('/ops/kpis')
      .query({ from: query.from })
      .set(bearer(admin.token))
      .expect(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
  });
});
