import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { EngineRegistry } from '../../src/games/engine-registry';
import { RoomAuditService } from '../../src/telemetry/room-audit.service';
import { TelemetryRepository } from '../../src/telemetry/telemetry.repository';
import { account, bearer, type Account } from '../support/moderation';
import { aid, ok, UpdateLog } from '../support/rooms';
import { seedRoom } from '../support/telemetry';
import { createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

/** Room export (NDJSON), replay at any event, and the check that every stored room is the fold of its events. */
describe('telemetry: room export, replay and the fold check', () => {
  let arena: TestApp;
  let db: Client;
  let moderator: Account;
  let player: Account;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    moderator = await account(arena, 'moderator', 'audit_mod');
    player = await account(arena, 'player', 'audit_player');
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  /** Short timers, and a seat count, for each game bots play to the end here. */
  const BOT_GAMES: Record<string, { seatCount: number; options: Record<string, number> }> = {
    roast: { seatCount: 3, options: { rounds: 2, roundMs: 40, votingMs: 40, intermissionMs: 10 } },
    mafia: { seatCount: 5, options: { nightMs: 30, discussionMs: 30, votingMs: 30, maxDays: 2 } },
    crew: { seatCount: 5, options: { tasksMs: 30, meetingMs: 30, maxRounds: 2 } },
    villa: {
      seatCount: 4,
      options: { pairingMs: 30, challengeMs: 30, twistMs: 30, recoupleMs: 30, eliminationMs: 30, rounds: 1 },
    },
  };
  /** Games bots do not play to an end: bench never ends, and a CHSH session's rounds are run by its teacher. */
  const NOT_BOT_PLAYED = new Set(['bench', 'chsh']);

  /** A room of bots only, played to its end by the runtime; watched by its host through `log`. */
  async function botGame(host: Socket, log: UpdateLog, gameId: string): Promise<string> {
    const { seatCount, options } = BOT_GAMES[gameId];
    const { roomId } = await ok(host, 'room:create', { actionId: aid(), gameId, seatCount, botFill: true, options });
    await ok(host, 'room:leave', { actionId: aid(), roomId });
    await ok(host, 'room:watch', { roomId });
    await ok(host, 'room:start', { actionId: aid(), roomId });
    await log.until((u) => u.roomId === roomId && u.view.phase === 'finished', 30_000, `${gameId} bots finishing`);
    return roomId;
  }

  async function benchGame(host: Socket, guest: Socket): Promise<string> {
    const { roomId } = await ok(host, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 3 });
    await ok(guest, 'room:join', { actionId: aid(), roomId });
    await ok(host, 'room:add-bots', { actionId: aid(), roomId, count: 1 });
    await ok(host, 'room:start', { actionId: aid(), roomId });
    for (let i = 0; i < 6; i += 1)
      await ok(i % 2 ? host : guest, 'game:action', { actionId: aid(), roomId, action: { type: 'bump' } });
    return roomId;
  }

  it('folds every stored room of every game, played by bots, to its snapshot, and names a room that differs', async () => {
    const host = await arena.socket(await arena.guest('Bot keeper'));
    const guest = await arena.socket(await arena.guest('Bumper'));
    const log = new UpdateLog(host);
    // Every registered game bots can finish, and the bench game (which never ends) played beside a bot.
    const played = arena.app
      .get(EngineRegistry)
      .ids()
      .filter((gameId) => !NOT_BOT_PLAYED.has(gameId));
    expect(played.length).toBeGreaterThanOrEqual(4);
    expect(played.every((gameId) => gameId in BOT_GAMES)).toBe(true);
    const rooms = await Promise.all(played.flatMap((gameId) => [0, 1, 2].map(() => botGame(host, log, gameId))));
    for (let i = 0; i < 3; i += 1) rooms.push(await benchGame(host, guest));
    const games = (await db.query(`SELECT DISTINCT game_id FROM rooms`)).rows.map((row) => row.game_id).sort();
    expect(games).toEqual(['bench', ...played].sort());
    expect(played.length).toBeGreaterThanOrEqual(4);
    expect((await db.query(`SELECT count(*)::int AS n FROM matches`)).rows[0].n).toBe(3 * played.length);

    const audit = arena.app.get(RoomAuditService);
    const clean = await audit.verifyAll();
    expect(clean.mismatches).toEqual([]);
    expect(clean.rooms).toBe((await db.query(`SELECT count(*)::int AS n FROM rooms`)).rows[0].n);
    expect(clean.events).toBe((await db.query(`SELECT count(*)::int AS n FROM room_events`)).rows[0].n);

    // A snapshot that is not the fold of its events is reported, and only that room.
    await db.query(`UPDATE rooms SET state = jsonb_set(state, '{name}', '"Tampered"') WHERE id = $1`, [rooms[4]]);
    const tampered = await audit.verifyAll();
    expect(tampered.mismatches.map((m) => m.roomId)).toEqual([rooms[4]]);
    await db.query(`UPDATE rooms SET state = jsonb_set(state, '{name}', to_jsonb(name)) WHERE id = $1`, [rooms[4]]);
    expect((await audit.verifyAll()).mismatches).toEqual([]);
  });

  it("replays a room to any event with every viewer's own view, and only for moderators", async () => {
    const host = await arena.socket(await arena.guest('Replay host'));
    const log = new UpdateLog(host);
    const roomId = await botGame(host, log, 'mafia');
    const { state, version } = (await db.query(`SELECT state, version FROM rooms WHERE id = $1`, [roomId])).rows[0];
    const replay = (seq: number | string, token = moderator.token) =>
      arena.http().get(`/admin/rooms/${roomId}/replay`).query({ seq }).set(bearer(token));

    const last = await replay(version).expect(200);
    expect(last.body.state).toEqual(state);
    expect(last.body.views.spectator.game.roles).not.toBeNull(); // over: roles are public

    const started = (await db.query(`SELECT seq FROM room_events WHERE room_id = $1 AND type = 'game.start'`, [roomId]))
      .rows[0].seq;
    const midGame = await replay(started).expect(200);
    expect(midGame.body).toMatchObject({ roomId, seq: started, state: { phase: 'playing', seq: started } });
    expect(midGame.body.views.seats).toHaveLength(5);
    expect(midGame.body.views.spectator.game.roles).toBeNull();
    for (const { seat, view } of midGame.body.views.seats) {
      expect(view.you.seat).toBe(seat);
      expect(view.game.you.role).toBe(midGame.body.state.game.roles[seat]);
    }
    expect(midGame.body.views.host).toBeNull();
    const lobby = await replay(1).expect(200);
    expect(lobby.body.state).toMatchObject({ phase: 'lobby', seq: 1, game: null });

    expect((await replay(version + 1).expect(400)).body.code).toBe('SEQ_OUT_OF_RANGE');
    expect((await replay('x').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await replay(1, player.token).expect(403)).body.code).toBe('FORBIDDEN');
    const missing = await arena
      .http()
      .get(`/admin/rooms/00000000-0000-4000-8000-000000000000/replay?seq=1`)
      .set(bearer(moderator.token))
      .expect(404);
    expect(missing.body.code).toBe('ROOM_NOT_FOUND');
  });

  it('streams a room of 10,000 events as NDJSON, page by page, and refuses players', async () => {
    const hostId = moderator.userId;
    const roomId = await seedRoom(db, 'bench', hostId, [{ type: 'room.create', at: new Date() }], 'playing');
    await db.query(
      `INSERT INTO room_events (room_id, seq, rules_version, type, actor, payload, action_id, at)
       SELECT $1, n, 1, 'game.act', $2,
              jsonb_build_object('command', jsonb_build_object('type', 'game.act', 'action', jsonb_build_object('type', 'bump')),
                                 'events', '[]'::jsonb, 'result', '{}'::jsonb, 'actorSeat', 0, 'fingerprint', null),
              'bump-' || n, now()
         FROM generate_series(2, 10000) AS n`,
      [roomId, hostId],
    );
    await db.query(`UPDATE rooms SET version = 10000 WHERE id = $1`, [roomId]);

    const repository = arena.app.get(TelemetryRepository);
    const pages = jest.spyOn(repository, 'eventPage');
    try {
      const response = await arena
        .http()
        .get(`/admin/rooms/${roomId}/events.ndjson`)
        .set(bearer(moderator.token))
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const lines = (response.body as string).trimEnd().split('\n');
      expect(lines).toHaveLength(10_000);
      const events = lines.map((line) => JSON.parse(line));
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
      expect(events[9_999]).toMatchObject({ type: 'game.act', actionId: 'bump-10000', command: { type: 'game.act' } });
      // Never more than one page of 500 rows in memory: 20 full pages and the empty read that ends them.
      expect(pages.mock.calls.map((call) => call[2])).toEqual(Array(21).fill(500));
    } finally {
      pages.mockRestore();
    }

    const refused = await arena
      .http()
      .get(`/admin/rooms/${roomId}/events.ndjson`)
      .set(bearer(player.token))
      .expect(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    await arena.http().get(`/admin/rooms/${roomId}/events.ndjson`).expect(401);
    const missing = await arena
      .http()
      .get(`/admin/rooms/00000000-0000-4000-8000-000000000000/events.ndjson`)
      .set(bearer(moderator.token))
      .expect(404);
    expect(missing.body.code).toBe('ROOM_NOT_FOUND');
  });
});
