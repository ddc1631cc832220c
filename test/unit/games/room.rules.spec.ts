import fc from 'fast-check';
import { benchEngine } from '../../../src/games/domain/bench/bench.engine';
import { reject, type GameEngine } from '../../../src/games/domain/engine';
import { mafiaEngine } from '../../../src/games/domain/mafia/mafia.engine';
import { movesOf, text } from '../../../src/games/domain/moves';
import {
  applyRoomCommand,
  eventView,
  foldRoom,
  onlyGameMoved,
  rememberRound,
  roomDeadlines,
  roomRandom,
  roomView,
  roomViewPatch,
} from '../../../src/games/domain/room/room.rules';
import type {
  EngineLookup,
  RoomActor,
  RoomCommand,
  RoomState,
  StoredRoomEvent,
} from '../../../src/games/domain/room/room.types';
import { stateDelta } from '../../../src/games/domain/room/room.outcome';
import { roastEngine } from '../../../src/games/domain/roast/roast.engine';
import type { RoastState } from '../../../src/games/domain/roast/roast.types';

const engines = new Map<string, GameEngine<unknown, object>>(
  [roastEngine, mafiaEngine, benchEngine].map((engine) => [
    engine.id,
    engine as unknown as GameEngine<unknown, object>,
  ]),
);
const lookup = (id: string) => engines.get(id);
const user = (userId: string): RoomActor => ({ kind: 'user', userId });
const SYSTEM: RoomActor = { kind: 'system' };
const holder = (userId: string, name = userId) => ({ userId, ownerId: userId, kind: 'human' as const, name });

/** A room driven command by command like the runtime does, keeping the event log for folds. */
function room(
  gameId = 'roast',
  seatCount = 4,
  extra: Partial<RoomState['settings']> = {},
  engineLookup: EngineLookup = lookup,
  create: { seatless?: boolean; roomId?: string } = {},
) {
  let state: RoomState | null = null;
  let now = 1_000_000;
  const log: StoredRoomEvent[] = [];
  const settings = {
    seatCount,
    botFill: false,
    reconnectWindowMs: 1000,
    botDelayMs: 10,
    kickBanMs: 5000,
    game: {},
    ...extra,
  };
  const run = (command: RoomCommand, actor: RoomActor) => {
    now += 1;
    const seq = (state?.seq ?? 0) + 1;
    const outcome = applyRoomCommand(state, command, actor, { now, random: roomRandom(7, seq) }, engineLookup);
    if (outcome.ok) {
      const rulesVersion = outcome.state.rulesVersion;
      const stored = {
        seq,
        rulesVersion,
        type: command.type,
        actor: actor.kind === 'user' ? actor.userId : 'system',
        actorSeat: null,
        command,
        events: outcome.events,
        result: outcome.result,
        actionId: null,
        fingerprint: null,
        at: now,
      };
      log.push({ ...stored, outcome: stateDelta(state, outcome.state) });
      state = outcome.state;
    }
    return outcome;
  };
  const created = run(
    {
      type: 'room.create',
      roomId: create.roomId ?? 'r1',
      gameId,
      name: 'Room',
      visibility: 'public',
      seed: 7,
      settings,
      host: holder('host', 'Host'),
      ...(create.seatless ? { seatless: true } : {}),
    },
    user('host'),
  );
  return {
    created,
    run,
    log,
    get state(): RoomState {
      return state as RoomState;
    },
    advance(ms: number) {
      now += ms;
      return now;
    },
  };
}

const codeOf = (outcome: ReturnType<typeof applyRoomCommand>) => (outcome.ok ? 'ok' : outcome.code);

describe('room rules', () => {
  it('seats the host at 0 and refuses NAME_IN_USE, ALREADY_SEATED, ROOM_FULL and ROOM_ALREADY_STARTED', () => {
    const r = room('roast', 2);
    expect(r.state.seats.map((s) => [s.seat, s.userId])).toEqual([[0, 'host']]);
    expect(codeOf(r.run({ type: 'seat.take', holder: holder('u1', ' HOST ') }, user('u1')))).toBe('NAME_IN_USE');
    expect(codeOf(r.run({ type: 'seat.take', holder: holder('u1', '  ') }, user('u1')))).toBe('NAME_REQUIRED');
    expect(codeOf(r.run({ type: 'seat.take', holder: holder('host', 'Other') }, user('host')))).toBe('ALREADY_SEATED');
    expect(codeOf(r.run({ type: 'seat.take', holder: holder('u1') }, user('u1')))).toBe('ok');
    expect(codeOf(r.run({ type: 'seat.take', holder: holder('u2') }, user('u2')))).toBe('ROOM_FULL');
    expect(codeOf(r.run({ type: 'game.start' }, user('host')))).toBe('ok');
    expect(codeOf(r.run({ type: 'seat.leave' }, user('u1')))).toBe('ok');
    expect(codeOf(r.run({ type: 'seat.take', holder: holder('u2') }, user('u2')))).toBe('ROOM_ALREADY_STARTED');
  });

  it('lets only the host add bots, kick, configure, start, reset and rematch', () => {
    const r = room('roast', 4);
    r.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    const commands: RoomCommand[] = [
      { type: 'bots.add', count: 1 },
      { type: 'bots.fill', upTo: 4 },
      { type: 'seat.kick', seat: 0 },
      { type: 'room.configure', settings: { seatCount: 3 } },
      { type: 'game.start' },
      { type: 'game.reset' },
      { type: 'game.rematch' },
    ];
    for (const command of commands)
      expect([command.type, codeOf(r.run(command, user('u1')))]).toEqual([command.type, 'HOST_ONLY']);
    expect(codeOf(r.run({ type: 'seat.kick', seat: 0 }, user('host')))).toBe('SELF_TARGET');
  });

  it('fills empty seats with bots at start when the room says so, and needs enough seats otherwise', () => {
    const plain = room('mafia', 5);
    expect(codeOf(plain.run({ type: 'game.start' }, user('host')))).toBe('NOT_ENOUGH_PLAYERS');
    const filled = room('mafia', 5, { botFill: true });
    expect(codeOf(filled.run({ type: 'game.start' }, user('host')))).toBe('ok');
    expect(filled.state.seats.map((s) => s.kind)).toEqual(['human', 'bot', 'bot', 'bot', 'bot']);
    expect(new Set(filled.state.seats.map((s) => s.name)).size).toBe(5);
  });

  it('prefixes game deadlines with the game number, and a reset leaves no deadline at all', () => {
    const r = room('roast', 2, { game: { roundMs: 500 } });
    r.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    r.run({ type: 'game.start' }, user('host'));
    const [deadline] = roomDeadlines(r.state, lookup);
    expect(deadline).toMatchObject({ kind: 'game', id: expect.stringMatching(/^g1:round:1:/) });
    r.run({ type: 'game.reset' }, user('host'));
    expect(roomDeadlines(r.state, lookup)).toEqual([]);
    // An old game's timeout is refused after the reset, and after a new start.
    const stale = {
      type: 'game.timeout' as const,
      deadlineId: (deadline as { engineDeadlineId: string }).engineDeadlineId,
    };
    expect(codeOf(r.run(stale, SYSTEM))).toBe('STALE_DEADLINE');
    r.run({ type: 'game.start' }, user('host'));
    expect(roomDeadlines(r.state, lookup)[0].id).toMatch(/^g2:/);
    expect(codeOf(r.run(stale, SYSTEM))).toBe('STALE_DEADLINE');
  });

  it('holds a dropped seat for the reconnect window, then hands it to a bot in a game or frees it in the lobby', () => {
    const r = room('roast', 3, { botFill: true });
    r.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    r.run({ type: 'seat.take', holder: holder('u2') }, user('u2'));
    r.run({ type: 'seat.drop' }, user('u2'));
    const lobbyHold = roomDeadlines(r.state, lookup).find((d) => d.kind === 'away');
    expect(lobbyHold).toMatchObject({ id: expect.stringMatching(/^away:2:/) });
    const since = r.state.seats[2].away!.since;
    expect(codeOf(r.run({ type: 'seat.expire', seat: 2, since }, SYSTEM))).toBe('ok');
    expect(r.state.seats.map((s) => s.seat)).toEqual([0, 1]);

    r.run({ type: 'game.start' }, user('host'));
    r.run({ type: 'seat.drop' }, user('u1'));
    expect(codeOf(r.run({ type: 'seat.drop' }, user('u1')))).toBe('ALREADY_ACTED');
    const held = r.state.seats[1].away!;
    r.run({ type: 'seat.return' }, user('u1'));
    expect(codeOf(r.run({ type: 'seat.expire', seat: 1, since: held.since }, SYSTEM))).toBe('STALE_DEADLINE');
    r.run({ type: 'seat.drop' }, user('u1'));
    r.run({ type: 'seat.expire', seat: 1, since: r.state.seats[1].away!.since }, SYSTEM);
    expect(r.state.seats[1]).toMatchObject({ userId: 'u1', control: 'bot', away: null });
    expect(roomDeadlines(r.state, lookup).some((d) => d.kind === 'bot')).toBe(true);
    r.run({ type: 'seat.return' }, user('u1'));
    expect(r.state.seats[1].control).toBe('player');
  });

  it('bots act through bot.turn, which a stale decision may not use; memory keeps the last three rounds', () => {
    const r = room('mafia', 4, { botFill: true });
    r.run({ type: 'game.start' }, user('host'));
    const atSeq = r.state.seq;
    r.run({ type: 'seat.drop' }, user('host'));
    expect(codeOf(r.run({ type: 'bot.turn', atSeq, moves: [] }, SYSTEM))).toBe('STALE_BOT_TURN');
    expect(codeOf(r.run({ type: 'bot.turn', atSeq: r.state.seq, moves: [] }, user('host')))).toBe('INVALID_ACTION');
    const idle = r.run({ type: 'bot.turn', atSeq: r.state.seq, moves: [] }, SYSTEM);
    expect(idle.ok && idle.state.botsIdle).toBe(true);
    expect(roomDeadlines(r.state, lookup).some((d) => d.kind === 'bot')).toBe(false);

    let memory: Record<string, unknown>[] = [];
    for (const round of [1, 2, 2, 3, 4]) memory = rememberRound(memory, { round, note: `r${round}` });
    expect(memory.map((m) => m.round)).toEqual([2, 3, 4]);
    expect(memory[0].note).toBe('r2');
  });

  it('shows a seat its own action and the events meant for it; spectators see neither', () => {
    const r = room('mafia', 4, { botFill: true });
    r.run({ type: 'game.start' }, user('host'));
    const started = r.log.at(-1)!;
    const mine = eventView(started, 0).events.filter((e) => e.type === 'role_assigned');
    expect(mine).toHaveLength(1);
    expect(eventView(started, 'spectator').events.some((e) => e.type === 'role_assigned')).toBe(false);
    expect(roomView(r.state, lookup('mafia'), 'spectator').game).toMatchObject({ roles: null, you: null });
    const fake: StoredRoomEvent = {
      ...started,
      type: 'game.act',
      actorSeat: 0,
      command: { type: 'game.act', action: { type: 'vote', seat: 2 } },
    };
    expect(eventView(fake, 0).action).toEqual({ type: 'vote', seat: 2 });
    expect(eventView(fake, 1).action).toBeUndefined();
    expect(eventView(fake, 'spectator').action).toBeUndefined();
  });

  it('property: any sequence of commands folds back to the same state with gapless sequence numbers', () => {
    const actors = ['host', 'u1', 'u2', 'u3'];
    const command = fc.oneof(
      fc.record({ type: fc.constant('seat.take' as const), who: fc.constantFrom(...actors) }),
      fc.record({
        type: fc.constantFrom('seat.leave' as const, 'seat.drop' as const, 'seat.return' as const),
        who: fc.constantFrom(...actors),
      }),
      fc.record({
        type: fc.constantFrom('game.start' as const, 'game.reset' as const, 'game.rematch' as const),
        who: fc.constantFrom(...actors),
      }),
      fc.record({
        type: fc.constant('bots.add' as const),
        who: fc.constantFrom(...actors),
        count: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ type: fc.constant('bump' as const), who: fc.constantFrom(...actors) }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (steps) => {
        const r = room('bench', 4);
        for (const step of steps) {
          const actor = user(step.who);
          if (step.type === 'seat.take') r.run({ type: 'seat.take', holder: holder(step.who) }, actor);
          else if (step.type === 'bots.add') r.run({ type: 'bots.add', count: step.count }, actor);
          else if (step.type === 'bump') r.run({ type: 'game.act', action: { type: 'bump' } }, actor);
          else r.run({ type: step.type }, actor);
          r.advance(1);
        }
        expect(r.log.map((e) => e.seq)).toEqual(r.log.map((_, i) => i + 1));
        expect(foldRoom(r.log, lookup)).toEqual(r.state);
        const users = r.state.seats.map((s) => s.userId).filter((id) => id !== null);
        expect(new Set(users).size).toBe(users.length);
      }),
      { numRuns: 200 },
    );
  });

  it("property: where only the game moved, each viewer's patch turns its old view into its new one", () => {
    const actors = ['host', 'u1', 'u2', 'u3'];
    const step = fc.record({
      type: fc.constantFrom(
        'seat.take',
        'seat.leave',
        'seat.drop',
        'seat.return',
        'game.start',
        'bots.add',
        'bump',
        'bump',
        'bump',
      ),
      who: fc.constantFrom(...actors),
    });
    const viewers = [0, 1, 2, 3, 'spectator', 'host'] as const;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), (steps, batch) => {
        const r = room('bench', 4);
        const states: RoomState[] = [r.state];
        for (const { type, who } of steps) {
          const actor = user(who);
          if (type === 'seat.take') r.run({ type, holder: holder(who) }, actor);
          else if (type === 'bots.add') r.run({ type, count: 1 }, actor);
          else if (type === 'bump') r.run({ type: 'game.act', action: { type: 'bump' } }, actor);
          else r.run({ type } as RoomCommand, actor);
          if (r.state !== states.at(-1)) states.push(r.state);
        }
        // A group commit publishes its batch's first and last states: check every span up to `batch` long.
        for (let i = 0; i < states.length; i += 1) {
          for (let j = i + 1; j < Math.min(states.length, i + 1 + batch); j += 1) {
            const [before, after] = [states[i], states[j]];
            if (!onlyGameMoved(before, after)) continue;
            for (const viewer of viewers) {
              const patch = roomViewPatch(before, after, lookup('bench'), viewer);
              const old = roomView(before, lookup('bench'), viewer);
              expect(patch.from).toBe(old.seq);
              expect({ ...old, seq: after.seq, game: patch.game, result: patch.result }).toEqual(
                roomView(after, lookup('bench'), viewer),
              );
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('sends the whole view when seats, settings, the phase or the host change', () => {
    const r = room('bench', 2);
    const lobby = r.state;
    r.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    expect(onlyGameMoved(lobby, r.state)).toBe(false);
    const seated = r.state;
    r.run({ type: 'game.start' }, user('host'));
    expect(onlyGameMoved(seated, r.state)).toBe(false);
    const playing = r.state;
    r.run({ type: 'game.act', action: { type: 'bump' } }, user('u1'));
    expect(onlyGameMoved(playing, r.state)).toBe(true);
    const bumped = r.state;
    r.run({ type: 'seat.drop' }, user('u1'));
    expect(onlyGameMoved(bumped, r.state)).toBe(false);
  });

  it('closes a room its players all left once the reconnect window passes untouched, unless someone came back', () => {
    const r = room('roast', 4);
    r.run({ type: 'bots.add', count: 1 }, user('host'));
    r.run({ type: 'seat.take', holder: holder('guest', 'Guest') }, user('guest'));
    r.run({ type: 'seat.leave' }, user('host'));
    expect(roomDeadlines(r.state, lookup).some((deadline) => deadline.kind === 'empty')).toBe(false);
    r.run({ type: 'seat.leave' }, user('guest'));
    const empty = roomDeadlines(r.state, lookup).find((deadline) => deadline.kind === 'empty');
    expect(empty).toMatchObject({ at: r.state.updatedAt + 1000, atSeq: r.state.seq });
    expect(codeOf(r.run({ type: 'room.close', atSeq: r.state.seq }, user('guest')))).toBe('INVALID_ACTION');

    // Someone came back in time: the old deadline no longer matches, and the room stays.
    const stale = r.state.seq;
    r.run({ type: 'seat.take', holder: holder('guest', 'Guest') }, user('guest'));
    expect(codeOf(r.run({ type: 'room.close', atSeq: stale }, SYSTEM))).toBe('STALE_DEADLINE');
    expect(roomDeadlines(r.state, lookup).some((deadline) => deadline.kind === 'empty')).toBe(false);

    r.run({ type: 'seat.leave' }, user('guest'));
    expect(codeOf(r.run({ type: 'room.close', atSeq: r.state.seq }, SYSTEM))).toBe('ok');
    expect(r.state.phase).toBe('closed');
    expect(r.log.at(-1)?.events.map((event) => event.type)).toEqual(['room_closed']);
    expect(roomDeadlines(r.state, lookup)).toEqual([]);
    expect(codeOf(r.run({ type: 'seat.take', holder: holder('late', 'Late') }, user('late')))).toBe('ROOM_CLOSED');
    expect(foldRoom(r.log, lookup)).toEqual(r.state);
  });
});

describe('room rules: viewers beyond seats', () => {
  it('lets the creator make a room without a seat only in a game that allows it', () => {
    const refused = room('roast', 4, {}, lookup, { seatless: true }).created;
    expect(codeOf(refused)).toBe('SEAT_REQUIRED');
    const r = room('bench', 2, {}, lookup, { seatless: true });
    expect(r.created.ok && r.created.result).toEqual({ seat: null });
    expect(r.state).toMatchObject({ hostUserId: 'host', seatlessHost: true, seats: [] });
    r.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    r.run({ type: 'seat.take', holder: holder('u2') }, user('u2'));
    expect(r.state.seats.map((s) => [s.seat, s.userId])).toEqual([
      [0, 'u1'],
      [1, 'u2'],
    ]);
    // The host runs the room and never plays; a seat leaving does not hand the host role on.
    expect(codeOf(r.run({ type: 'game.start' }, user('u1')))).toBe('HOST_ONLY');
    expect(codeOf(r.run({ type: 'game.start' }, user('host')))).toBe('ok');
    expect(codeOf(r.run({ type: 'game.act', action: { type: 'bump' } }, user('host')))).toBe('NOT_SEATED');
    r.run({ type: 'game.act', action: { type: 'bump' } }, user('u2'));
    r.run({ type: 'seat.leave' }, user('u1'));
    expect(r.state.hostUserId).toBe('host');
    expect(codeOf(r.run({ type: 'game.reset' }, user('host')))).toBe('ok');
    expect(r.state.hostUserId).toBe('host');
    // With every seat gone the seatless host still runs the room: it is not closed for being empty.
    r.run({ type: 'seat.leave' }, user('u2'));
    expect(r.state.seats).toEqual([]);
    expect(roomDeadlines(r.state, lookup).some((deadline) => deadline.kind === 'empty')).toBe(false);
    expect(codeOf(r.run({ type: 'room.close', atSeq: r.state.seq }, SYSTEM))).toBe('STALE_DEADLINE');
  });

  it("shows the seatless host the game's host view, and a seat or spectator never sees it", () => {
    const r = room('bench', 2, {}, lookup, { seatless: true });
    r.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    r.run({ type: 'seat.take', holder: holder('u2') }, user('u2'));
    r.run({ type: 'game.start' }, user('host'));
    r.run({ type: 'game.act', action: { type: 'bump' } }, user('u2'));
    const bench = lookup('bench');
    expect(roomView(r.state, bench, 'host')).toMatchObject({
      you: { seat: null, host: true },
      game: { bumps: { 0: 0, 1: 1 }, you: null },
    });
    expect(roomView(r.state, bench, 'spectator')).toMatchObject({
      you: { seat: null, host: false },
      game: { bumps: null, you: null },
    });
    expect(roomView(r.state, bench, 1)).toMatchObject({
      you: { seat: 1, host: false },
      game: { bumps: null, you: { seat: 1, bumps: 1 } },
    });
    // A seat number that is no seat sees what a spectator sees.
    expect(roomView(r.state, bench, 5).game).toEqual(roomView(r.state, bench, 'spectator').game);
  });

  it('shows events meant for the host to the host alone, and seat events never to the host', () => {
    const r = room('bench', 2, {}, lookup, { seatless: true });
    const stored: StoredRoomEvent = {
      ...r.log[0],
      type: 'game.act',
      actorSeat: 1,
      command: { type: 'game.act', action: { type: 'bump' } },
      events: [
        { type: 'dashboard', payload: { n: 1 }, audience: ['host'] },
        { type: 'secret', payload: { n: 2 }, audience: [1] },
        { type: 'public', payload: { n: 3 }, audience: 'all' },
      ],
    };
    const types = (viewer: Parameters<typeof eventView>[1]) => eventView(stored, viewer).events.map((e) => e.type);
    expect(types('host')).toEqual(['dashboard', 'public']);
    expect(types(1)).toEqual(['secret', 'public']);
    expect(types(0)).toEqual(['public']);
    expect(types('spectator')).toEqual(['public']);
    expect(eventView(stored, 'host')).toMatchObject({ actorSeat: null });
    expect(eventView(stored, 'host').action).toBeUndefined();
  });

  it("carries a seat's team into the room's view and the game's seats", () => {
    const r = room('bench', 2);
    r.run({ type: 'seat.take', holder: { ...holder('u1'), team: 'Photons' } }, user('u1'));
    r.run({ type: 'game.start' }, user('host'));
    expect(roomView(r.state, lookup('bench'), 'spectator').seats.map((s) => s.team)).toEqual([null, 'Photons']);
    const game = r.state.game as { seats: { seat: number; team?: string }[] };
    expect(game.seats.map((s) => s.team)).toEqual([undefined, 'Photons']);
  });
});

describe('room rules: history is history', () => {
  /** Roast under new rules: version 2 caps a roast at 20 characters. */
  const roastV1 = roastEngine as unknown as GameEngine<unknown, object>;
  const roast = roastEngine.phases.round.moves.roast;
  const roastV2 = {
    ...roastEngine,
    rulesVersion: 2,
    phases: {
      ...roastEngine.phases,
      round: {
        moves: {
          roast: movesOf<RoastState>()({
            who: roast.who,
            payload: { text },
            play: (state, payload, seat, ctx) =>
              [...payload.text].length > 20
                ? reject('TEXT_TOO_LONG', 'At most 20 characters now')
                : roast.play(state, payload, seat, ctx),
          }),
        },
      },
    },
  } as unknown as GameEngine<unknown, object>;

  /** A registry of versions: before the upgrade only version 1; after it, both, version 2 the latest. */
  const registry =
    (...versions: GameEngine<unknown, object>[]): EngineLookup =>
    (gameId, rulesVersion) => {
      const own = versions.filter((engine) => engine.id === gameId);
      return rulesVersion === undefined ? own.at(-1) : own.find((engine) => engine.rulesVersion === rulesVersion);
    };
  const LONG = 'a roast well over twenty characters';

  it('a room made under the old rules replays to its snapshot and plays on under them after an upgrade', () => {
    let engines = registry(roastV1);
    const old = room('roast', 2, { game: { rounds: 1 } }, (gameId, version) => engines(gameId, version), {
      roomId: 'old',
    });
    old.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    old.run({ type: 'game.start' }, user('host'));
    expect(codeOf(old.run({ type: 'game.act', action: { type: 'roast', text: LONG } }, user('host')))).toBe('ok');
    expect(old.state.rulesVersion).toBe(1);

    // The rules change while the room is in play.
    engines = registry(roastV1, roastV2);
    const fresh = room('roast', 2, { game: { rounds: 1 } }, (gameId, version) => engines(gameId, version), {
      roomId: 'new',
    });
    fresh.run({ type: 'seat.take', holder: holder('u1') }, user('u1'));
    fresh.run({ type: 'game.start' }, user('host'));
    expect(fresh.state.rulesVersion).toBe(2);
    expect(codeOf(fresh.run({ type: 'game.act', action: { type: 'roast', text: LONG } }, user('host')))).toBe(
      'TEXT_TOO_LONG',
    );

    // The old room keeps its rules: the same long roast is still accepted there, and the battle ends.
    expect(codeOf(old.run({ type: 'game.act', action: { type: 'roast', text: LONG } }, user('u1')))).toBe('ok');
    // With no votes at all, the winner is drawn: a decision replay must not take again.
    const timeout = roomDeadlines(old.state, engines).find((d) => d.kind === 'game') as { engineDeadlineId: string };
    expect(codeOf(old.run({ type: 'game.timeout', deadlineId: timeout.engineDeadlineId }, SYSTEM))).toBe('ok');
    expect(old.state.phase).toBe('finished');
    expect(old.log.every((event) => event.rulesVersion === 1)).toBe(true);

    // Replay folds the stored outcomes: it needs no rules at all, old or new.
    expect(foldRoom(old.log, () => undefined)).toEqual(old.state);
    expect(foldRoom(fresh.log, () => undefined)).toEqual(fresh.state);
    // Deciding again under today's rules would not even give the same room: the long roast is refused.
    expect(() =>
      foldRoom(
        old.log.map((event) => ({ ...event, outcome: null })),
        () => roastV2,
      ),
    ).toThrow(/TEXT_TOO_LONG/);
  });

  it('events stored before outcomes were kept replay through the rules of their version', () => {
    const r = room('mafia', 4, { botFill: true });
    r.run({ type: 'game.start' }, user('host'));
    const legacy = r.log.map((event) => ({ ...event, outcome: null }));
    expect(foldRoom(legacy, lookup)).toEqual(r.state);
    // Outcomes and commands may mix: the old events first, newer ones after.
    expect(foldRoom([...legacy.slice(0, 1), ...r.log.slice(1)], lookup)).toEqual(r.state);
  });
});
