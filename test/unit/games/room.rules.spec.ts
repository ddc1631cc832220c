import fc from 'fast-check';
import { benchEngine } from '../../../src/games/domain/bench/bench.engine';
import type { GameEngine } from '../../../src/games/domain/engine';
import { mafiaEngine } from '../../../src/games/domain/mafia/mafia.engine';
import {
  applyRoomCommand,
  eventView,
  foldRoom,
  rememberRound,
  roomDeadlines,
  roomRandom,
  roomView,
} from '../../../src/games/domain/room/room.rules';
import type { RoomActor, RoomCommand, RoomState, StoredRoomEvent } from '../../../src/games/domain/room/room.types';
import { stateDelta } from '../../../src/games/domain/room/room.outcome';
import { roastEngine } from '../../../src/games/domain/roast/roast.engine';

const engines = new Map<string, GameEngine<unknown, object>>(
  [roastEngine, mafiaEngine, benchEngine].map((engine) => [engine.id, engine as unknown as GameEngine<unknown, object>]),
);
const lookup = (id: string) => engines.get(id);
const user = (userId: string): RoomActor => ({ kind: 'user', userId });
const SYSTEM: RoomActor = { kind: 'system' };
const holder = (userId: string, name = userId) => ({ userId, ownerId: userId, kind: 'human' as const, name });

/** A room driven command by command like the runtime does, keeping the event log for folds. */
function room(gameId = 'roast', seatCount = 4, extra: Partial<RoomState['settings']> = {}) {
  let state: RoomState | null = null;
  let now = 1_000_000;
  const log: StoredRoomEvent[] = [];
  const settings = { seatCount, botFill: false, reconnectWindowMs: 1000, botDelayMs: 10, kickBanMs: 5000, game: {}, ...extra };
  const run = (command: RoomCommand, actor: RoomActor) => {
    now += 1;
    const seq = (state?.seq ?? 0) + 1;
    const outcome = applyRoomCommand(state, command, actor, { now, random: roomRandom(7, seq) }, lookup);
    if (outcome.ok) {
      const rulesVersion = outcome.state.rulesVersion;
      const stored = { seq, rulesVersion, type: command.type, actor: actor.kind === 'user' ? actor.userId : 'system', actorSeat: null, command, events: outcome.events, result: outcome.result, actionId: null, fingerprint: null, at: now };
      log.push({ ...stored, outcome: stateDelta(state, outcome.state) });
      state = outcome.state;
    }
    return outcome;
  };
  run({ type: 'room.create', roomId: 'r1', gameId, name: 'Room', visibility: 'public', seed: 7, settings, host: holder('host', 'Host') }, user('host'));
  return {
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
    for (const command of commands) expect([command.type, codeOf(r.run(command, user('u1')))]).toEqual([command.type, 'HOST_ONLY']);
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
    const stale = { type: 'game.timeout' as const, deadlineId: (deadline as { engineDeadlineId: string }).engineDeadlineId };
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
    const fake: StoredRoomEvent = { ...started, type: 'game.act', actorSeat: 0, command: { type: 'game.act', action: { type: 'vote', seat: 2 } } };
    expect(eventView(fake, 0).action).toEqual({ type: 'vote', seat: 2 });
    expect(eventView(fake, 1).action).toBeUndefined();
    expect(eventView(fake, 'spectator').action).toBeUndefined();
  });

  it('property: any sequence of commands folds back to the same state with gapless sequence numbers', () => {
    const actors = ['host', 'u1', 'u2', 'u3'];
    const command = fc.oneof(
      fc.record({ type: fc.constant('seat.take' as const), who: fc.constantFrom(...actors) }),
      fc.record({ type: fc.constantFrom('seat.leave' as const, 'seat.drop' as const, 'seat.return' as const), who: fc.constantFrom(...actors) }),
      fc.record({ type: fc.constantFrom('game.start' as const, 'game.reset' as const, 'game.rematch' as const), who: fc.constantFrom(...actors) }),
      fc.record({ type: fc.constant('bots.add' as const), who: fc.constantFrom(...actors), count: fc.integer({ min: 1, max: 3 }) }),
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
});
