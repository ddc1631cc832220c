import { Client } from 'pg';
import { reject, type GameEngine } from '../../src/games/domain/engine';
import { movesOf, text } from '../../src/games/domain/moves';
import { createRoastEngine } from '../../src/games/domain/roast/roast.engine';
import type { RoastState } from '../../src/games/domain/roast/roast.types';
import { EngineRegistry } from '../../src/games/engine-registry';
import { RoomsService } from '../../src/games/rooms.service';
import { RoomAuditService } from '../../src/telemetry/room-audit.service';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

/** Roast's rules, version 2: a roast has at most 20 characters. */
function roastVersion2(): GameEngine<unknown, object> {
  const v1 = createRoastEngine();
  const roast = v1.phases.round.moves.roast;
  const move = movesOf<RoastState>();
  return {
    ...v1,
    rulesVersion: 2,
    phases: {
      ...v1.phases,
      round: {
        moves: {
          roast: move({
            who: roast.who,
            payload: { text },
            play: (state, payload, seat, ctx) =>
              [...payload.text].length > 20
                ? reject('TEXT_TOO_LONG', 'At most 20 characters')
                : roast.play(state, payload, seat, ctx),
          }),
        },
      },
    },
  } as unknown as GameEngine<unknown, object>;
}

describe('rooms: seatless hosts and rules versions', () => {
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

  const snapshot = async (roomId: string) =>
    (await db.query('SELECT state, version, rules_version FROM rooms WHERE id = $1', [roomId])).rows[0];
  const eventVersions = async (roomId: string) =>
    (await db.query('SELECT DISTINCT rules_version FROM room_events WHERE room_id = $1', [roomId])).rows.map(
      (r) => r.rules_version,
    );

  it("creates a room without a seat where the game allows it, and its host follows the host's view", async () => {
    const teacher = await arena.socket(await arena.guest('Teacher'));
    const hostLog = new UpdateLog(teacher);
    const refused = await ask(teacher, 'room:create', { actionId: aid(), gameId: 'roast', seat: false });
    expect(refused.error.code).toBe('SEAT_REQUIRED');

    const room = await ok(teacher, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2, seat: false });
    expect(room.seat).toBeNull();
    expect(room.view).toMatchObject({ seats: [], you: { seat: null, host: true } });
    const players = await Promise.all(['Ada', 'Bob'].map(async (name) => arena.socket(await arena.guest(name))));
    for (const player of players) await ok(player, 'room:join', { actionId: aid(), roomId: room.roomId });
    expect(await ask(players[0], 'room:start', { actionId: aid(), roomId: room.roomId })).toMatchObject({
      error: { code: 'HOST_ONLY' },
    });
    await ok(teacher, 'room:start', { actionId: aid(), roomId: room.roomId });
    expect(
      await ask(teacher, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } }),
    ).toMatchObject({ error: { code: 'NOT_SEATED' } });
    const bumped = await ok(players[1], 'game:action', {
      actionId: aid(),
      roomId: room.roomId,
      action: { type: 'bump' },
    });

    // The host's dashboard has every seat's count; a seat's view only its own.
    const update = await hostLog.until((u) => u.seq >= bumped.seq, 5000, 'the bump on the host channel');
    expect(update.view).toMatchObject({ you: { seat: null, host: true }, game: { bumps: { 0: 0, 1: 1 } } });
    const seatView = await ok(players[0], 'room:rejoin', { roomId: room.roomId, lastSeq: bumped.seq });
    expect(seatView.view.game).toMatchObject({ bumps: null, you: { seat: 0, bumps: 0 } });
    const again = await ok(teacher, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
    expect(again).toMatchObject({ seat: null, view: { you: { host: true }, game: { bumps: { 1: 1 } } } });
    expect(again.events.at(-1)).toMatchObject({ seq: bumped.seq, actorSeat: null });
    const games = await ask(teacher, 'lobby:games');
    expect(games.data.find((g: { gameId: string }) => g.gameId === 'bench')).toMatchObject({
      allowsSeatlessHost: true,
      rulesVersion: 1,
    });
    for (const socket of [teacher, ...players]) socket.disconnect();
  });

  it('a room made under old rules plays on under them after an upgrade, and replays to its snapshot', async () => {
    const [hostToken, guestToken] = await Promise.all([arena.guest('Old rules'), arena.guest('Old guest')]);
    const host = await arena.socket(hostToken);
    const guest = await arena.socket(guestToken);
    const options = { rounds: 1, roundMs: 60_000, votingMs: 150, intermissionMs: 20 };
    const old = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 2, options });
    await ok(guest, 'room:join', { actionId: aid(), roomId: old.roomId });
    await ok(host, 'room:start', { actionId: aid(), roomId: old.roomId });
    const long = 'a roast of well over twenty characters';
    await ok(host, 'game:action', { actionId: aid(), roomId: old.roomId, action: { type: 'roast', text: long } });

    // New rules while the room is in play: new rooms get them, the old room keeps its own.
    arena.app.get(EngineRegistry).register(roastVersion2());
    const fresh = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 2, options });
    await ok(guest, 'room:join', { actionId: aid(), roomId: fresh.roomId });
    await ok(host, 'room:start', { actionId: aid(), roomId: fresh.roomId });
    const refused = await ask(host, 'game:action', {
      actionId: aid(),
      roomId: fresh.roomId,
      action: { type: 'roast', text: long },
    });
    expect(refused.error.code).toBe('TEXT_TOO_LONG');

    const log = new UpdateLog(host);
    await ok(guest, 'game:action', { actionId: aid(), roomId: old.roomId, action: { type: 'roast', text: long } });
    // Nobody votes: the voting deadline fires, and the winner is drawn from the room's seeded source.
    await log.until((u) => u.roomId === old.roomId && u.view.phase === 'finished', 10_000, 'the old battle finished');

    const stored = await snapshot(old.roomId);
    expect(stored.rules_version).toBe(1);
    expect(stored.state.rulesVersion).toBe(1);
    expect(await eventVersions(old.roomId)).toEqual([1]);
    expect((await snapshot(fresh.roomId)).rules_version).toBe(2);
    expect(await eventVersions(fresh.roomId)).toEqual([2]);

    const folded = await arena.app.get(RoomsService).replay(old.roomId);
    expect(folded.seq).toBe(stored.version);
    expect(JSON.parse(JSON.stringify(folded))).toEqual(stored.state);
    expect(stored.state.game.rounds[0]).toMatchObject({ decidedBy: 'draw', roasts: { 0: long, 1: long } });

    // The finished old game's match row names the rules it was played under, and the fold check over
    // every stored room (old rules and new) finds each one equal to its snapshot.
    const match = (await db.query('SELECT rules_version, end_seq FROM matches WHERE room_id = $1', [old.roomId])).rows;
    expect(match).toEqual([{ rules_version: 1, end_seq: stored.version }]);
    const check = await arena.app.get(RoomAuditService).verifyAll();
    expect(check.mismatches).toEqual([]);
    const replayed = await arena.app.get(RoomAuditService).replay(old.roomId, stored.version);
    expect(JSON.parse(JSON.stringify(replayed.state))).toEqual(stored.state);
    host.disconnect();
    guest.disconnect();
  });
});
