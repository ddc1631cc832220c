import { isRejection, reject, toAll, type GameEngine, type Outcome } from '../../../src/games/domain/engine';
import {
  allOf,
  anySeat,
  flag,
  hasRole,
  living,
  movesOf,
  oneOf,
  playMove,
  seatNumber,
  seatRule,
  text,
} from '../../../src/games/domain/moves';
import { seededRandom } from '../../../src/games/domain/random';
import { contextAt, gameRoom, seatsOf } from '../../support/engine-harness';

/**
 * A small game declared with the move vocabulary: seat 0 is the judge. In `pick` the living may pick a
 * seat (the judge may not); in `answer` the living answer an item true or false; `shout` exists in no
 * phase's moves but `pick`'s. What each move's play received is kept, to show it sees only its payload.
 */
interface DuelState {
  phase: 'pick' | 'answer' | 'over';
  seats: ReturnType<typeof seatsOf>;
  alive: number[];
  roles: Record<number, 'judge' | 'player'>;
  received: Record<string, unknown>[];
}

const move = movesOf<DuelState>();
const alive = living<DuelState>((state) => state.alive);
const player = hasRole<DuelState>((state, seat) => state.roles[seat], 'player', 'The judge does not play');
const notSeatThree = seatRule<DuelState>((_state, seat) => seat.seat !== 3, 'INVALID_TARGET', 'Not seat 3');

const keep = (state: DuelState, payload: Record<string, unknown>): Outcome<DuelState> => ({
  ok: true,
  state: { ...state, received: [...state.received, payload] },
  events: [toAll('moved', payload)],
});

const duel: GameEngine<DuelState, object> = {
  id: 'duel',
  rulesVersion: 1,
  minSeats: 2,
  maxSeats: 6,
  defaultOptions: {},
  options: () => ({}),
  start: (seats) => ({
    ok: true,
    state: {
      phase: 'pick',
      seats: [...seats],
      alive: seats.map((seat) => seat.seat),
      roles: Object.fromEntries(seats.map((seat) => [seat.seat, seat.seat === 0 ? 'judge' : 'player'])),
      received: [],
    },
    events: [],
  }),
  seats: (state) => state.seats,
  phase: (state) => state.phase,
  who: alive,
  phases: {
    pick: {
      moves: {
        pick: move({
          who: allOf(player, notSeatThree),
          payload: { seat: seatNumber },
          play: (state, payload, by) =>
            payload.seat === by.seat ? reject('SELF_TARGET', 'Not yourself') : keep(state, payload),
        }),
        shout: move({ who: anySeat, payload: { words: text }, play: (state, payload) => keep(state, payload) }),
      },
    },
    answer: {
      moves: {
        answer: move({
          who: anySeat,
          payload: { item: oneOf('A', 'B'), value: flag },
          play: (state, payload) => keep(state, payload),
        }),
      },
    },
  },
  timeout: (state, deadlineId) =>
    deadlineId === 'due'
      ? { ok: true, state: { ...state, phase: 'answer' }, events: [] }
      : reject('STALE_DEADLINE', 'Old'),
  deadline: () => null,
  view: (state) => ({ phase: state.phase }),
  pendingSeats: () => [],
  isOver: (state) => state.phase === 'over',
  result: () => null,
  botAction: () => null,
};

const ctx = contextAt(seededRandom(1), 1_000);
const begin = (seatCount = 4) => duel.start(seatsOf(seatCount), {}, ctx).state;
const codeOf = (outcome: unknown) => (isRejection(outcome) ? outcome.code : 'ok');
const play = (state: DuelState, action: Record<string, unknown> & { type: string }, actor: number | 'system') =>
  playMove(duel, state, action, actor, ctx);

describe('declared moves: the one check before a game sees a move', () => {
  it('GAME_NOT_ACTIVE once the game is over, before anything else', () => {
    const over: DuelState = { ...begin(), phase: 'over' };
    expect(codeOf(play(over, { type: 'pick', seat: 2 }, 1))).toBe('GAME_NOT_ACTIVE');
    expect(codeOf(play(over, { type: 'dance' }, 1))).toBe('GAME_NOT_ACTIVE');
  });

  it('INVALID_ACTION for a move no phase declares, a move by the system, and a timeout by a seat', () => {
    const state = begin();
    expect(codeOf(play(state, { type: 'dance' }, 1))).toBe('INVALID_ACTION');
    // Names an object's own keys only: nothing inherited counts as a move.
    expect(codeOf(play(state, { type: 'toString' }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(play(state, { type: 'pick', seat: 2 }, 'system'))).toBe('INVALID_ACTION');
    expect(codeOf(play(state, { type: 'timeout', deadlineId: 'due' }, 1))).toBe('INVALID_ACTION');
  });

  it('NOT_YOUR_TURN for a seat that is not in the game', () => {
    expect(codeOf(play(begin(), { type: 'pick', seat: 2 }, 9))).toBe('NOT_YOUR_TURN');
  });

  it("DEAD_SEAT from the game's rule for every move, before the phase is looked at", () => {
    const state: DuelState = { ...begin(), alive: [0, 1, 3] };
    expect(codeOf(play(state, { type: 'pick', seat: 1 }, 2))).toBe('DEAD_SEAT');
    expect(codeOf(play(state, { type: 'answer', item: 'A', value: true }, 2))).toBe('DEAD_SEAT');
  });

  it('WRONG_PHASE for a move declared in another phase only', () => {
    const state = begin();
    expect(codeOf(play(state, { type: 'answer', item: 'A', value: true }, 1))).toBe('WRONG_PHASE');
    const answering: DuelState = { ...state, phase: 'answer' };
    expect(codeOf(play(answering, { type: 'pick', seat: 2 }, 1))).toBe('WRONG_PHASE');
  });

  it("ROLE_FORBIDDEN from the move's seat rule, whatever the payload; rules in a list refuse in order", () => {
    const state = begin();
    expect(codeOf(play(state, { type: 'pick', seat: 2 }, 0))).toBe('ROLE_FORBIDDEN');
    expect(codeOf(play(state, { type: 'pick', seat: 'nobody' }, 0))).toBe('ROLE_FORBIDDEN');
    expect(codeOf(play(state, { type: 'pick', seat: 2 }, 3))).toBe('INVALID_TARGET');
  });

  it('INVALID_ACTION for a payload field that is missing or of the wrong shape', () => {
    const state = begin();
    for (const seat of [undefined, '2', 1.5, -1, null])
      expect(codeOf(play(state, { type: 'pick', seat }, 1))).toBe('INVALID_ACTION');
    for (const words of [undefined, '', '   ', 42])
      expect(codeOf(play(state, { type: 'shout', words }, 1))).toBe('INVALID_ACTION');
    const answering: DuelState = { ...state, phase: 'answer' };
    expect(codeOf(play(answering, { type: 'answer', item: 'C', value: true }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(play(answering, { type: 'answer', item: 'A', value: 'yes' }, 1))).toBe('INVALID_ACTION');
    const refused = play(state, { type: 'pick' }, 1);
    expect(isRejection(refused) && refused.message).toBe('pick needs seat: a seat number');
  });

  it("hands the move's play only the declared fields, typed; its own rejections pass through", () => {
    const state = begin();
    const done = play(state, { type: 'pick', seat: 2, extra: 'ignored' }, 1);
    expect(done.ok && done.state.received).toEqual([{ seat: 2 }]);
    expect(codeOf(play(state, { type: 'pick', seat: 1 }, 1))).toBe('SELF_TARGET');
    const answered = play({ ...state, phase: 'answer' }, { type: 'answer', item: 'B', value: false }, 2);
    expect(answered.ok && answered.state.received).toEqual([{ item: 'B', value: false }]);
  });

  it("a timeout from the system goes to the game's timeout, with its deadline id", () => {
    const state = begin();
    expect(codeOf(play(state, { type: 'timeout', deadlineId: 'old' }, 'system'))).toBe('STALE_DEADLINE');
    expect(codeOf(play(state, { type: 'timeout' }, 'system'))).toBe('STALE_DEADLINE');
    const due = play(state, { type: 'timeout', deadlineId: 'due' }, 'system');
    expect(due.ok && due.state.phase).toBe('answer');
  });

  it("the room applies the same check to a seat's game action, with the same codes", () => {
    const room = gameRoom(duel as unknown as GameEngine<unknown, object>, 4, {});
    const act = (userId: string, action: Record<string, unknown> & { type: string }) =>
      codeOf(room.run({ type: 'game.act', action }, userId));
    expect(act('user-0', { type: 'pick', seat: 2 })).toBe('ROLE_FORBIDDEN');
    expect(act('user-1', { type: 'pick', seat: 'x' })).toBe('INVALID_ACTION');
    expect(act('user-1', { type: 'answer', item: 'A', value: true })).toBe('WRONG_PHASE');
    expect(act('user-1', { type: 'pick', seat: 2 })).toBe('ok');
    expect((room.state.game as DuelState).received).toEqual([{ seat: 2 }]);
  });
});
