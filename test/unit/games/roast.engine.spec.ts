import {
  isRejection,
  type Actor,
  type GameAction,
  type GameContext,
  type GameEngine,
  type Transition,
} from '../../../src/games/domain/engine';
import { playMove } from '../../../src/games/domain/moves';
import { seededRandom } from '../../../src/games/domain/random';
import { createRoastEngine, parseRoastOptions, roastEngine } from '../../../src/games/domain/roast/roast.engine';
import { ROAST_THEMES } from '../../../src/games/domain/roast/roast.themes';
import type { RoastOptions, RoastState, RoastView } from '../../../src/games/domain/roast/roast.types';
import { roastChatChannels } from '../../../src/games/domain/roast/roast.view';
import { roomDeadlines, roomView } from '../../../src/games/domain/room/room.rules';
import { contextAt, fireDeadline, gameRoom, mustApply, seatsOf } from '../../support/engine-harness';

const T0 = 1_000_000;
const anyRoast = roastEngine as unknown as GameEngine<unknown, object>;
const fast: RoastOptions = { ...roastEngine.defaultOptions, roundMs: 600, votingMs: 200, intermissionMs: 20 };

/** A battle under test: the engine, the current state and the seeded source, advanced by hand. */
function battle(seatCount = 4, options: RoastOptions = fast, seed = 7, engine = roastEngine) {
  const random = seededRandom(seed);
  const seats = seatsOf(seatCount);
  let state = engine.start(seats, options, contextAt(random, T0)).state;
  const ctx = (): GameContext => contextAt(random, T0);
  return {
    random,
    get state(): RoastState {
      return state;
    },
    set state(next: RoastState) {
      state = next;
    },
    act(action: GameAction, actor: Actor): Transition<RoastState> {
      const done = mustApply(engine, state, action, actor, ctx());
      state = done.state;
      return done;
    },
    attempt(action: GameAction, actor: Actor) {
      return playMove(engine, state, action, actor, ctx());
    },
    timeout(): Transition<RoastState> {
      const done = fireDeadline(engine, state, random);
      state = done.state;
      return done;
    },
    roastAll(seatsToRoast: number[]): void {
      for (const seat of seatsToRoast) this.act({ type: 'roast', text: `roast by ${seat}` }, seat);
    },
    vote(votes: Record<number, number>): void {
      for (const [voter, target] of Object.entries(votes)) this.act({ type: 'vote', seat: target }, Number(voter));
    },
  };
}

const codeOf = (outcome: unknown): string | undefined => (isRejection(outcome) ? outcome.code : undefined);
const viewOf = (state: RoastState, viewer: number | 'spectator') => roastEngine.view(state, viewer) as RoastView;

describe('roast battle: a complete battle of 4 seats', () => {
  it('plays five rounds to the finished state with exact scores', () => {
    const game = battle(4, fast, 2021);
    const themes = game.state.themes;
    expect(new Set(themes).size).toBe(5);
    themes.forEach((theme) => expect(ROAST_THEMES).toContain(theme));
    expect(game.state).toMatchObject({ phase: 'round', round: 1 });

    // Round 1: a clear majority for seat 1.
    game.roastAll([0, 1, 2, 3]);
    expect(game.state.phase).toBe('voting');
    game.vote({ 0: 1, 1: 2, 2: 1, 3: 1 });
    expect(game.state.rounds[0]).toMatchObject({ winner: 1, decidedBy: 'votes', theme: themes[0] });
    expect(game.state.phase).toBe('intermission');
    game.timeout();

    // Round 2: 2-2 between seats 0 and 2; the lowest seat takes it.
    expect(game.state).toMatchObject({ phase: 'round', round: 2 });
    game.roastAll([0, 1, 2, 3]);
    game.vote({ 0: 2, 1: 0, 2: 0, 3: 2 });
    expect(game.state.rounds[1]).toMatchObject({ winner: 0, decidedBy: 'votes' });
    game.timeout();

    // Round 3: seat 3 never writes and is skipped; two votes arrive before the voting deadline.
    game.roastAll([0, 1, 2]);
    const opened = game.timeout();
    expect(opened.events.find((event) => event.type === 'voting_started')?.payload.skipped).toEqual([3]);
    game.vote({ 3: 2, 0: 2 });
    game.timeout();
    expect(game.state.rounds[2]).toMatchObject({ winner: 2, decidedBy: 'votes', votes: { 3: 2, 0: 2 } });
    game.timeout();

    // Round 4: nobody votes, so a submitter is drawn from the room's seeded source.
    game.roastAll([0, 1, 2, 3]);
    const probe = seededRandom(2021);
    for (let i = 0; i < game.random.draws; i += 1) probe.next();
    const drawn = [0, 1, 2, 3][probe.int(4)];
    game.timeout();
    expect(game.state.rounds[3]).toMatchObject({ winner: drawn, decidedBy: 'draw' });
    expect(drawn).toBe(1);
    game.timeout();

    // Round 5, the last: seat 3 wins, and the battle ends without an intermission.
    game.roastAll([0, 1, 2, 3]);
    game.vote({ 0: 3, 1: 3, 2: 3, 3: 0 });
    expect(game.state.phase).toBe('finished');
    expect(roastEngine.deadline(game.state)).toBeNull();
    expect(game.state.scores).toEqual({ 0: 1, 1: 2, 2: 1, 3: 1 });
    expect(roastEngine.isOver(game.state)).toBe(true);
    expect(roastEngine.result(game.state)).toEqual({
      winners: [1],
      scores: { 0: 1, 1: 2, 2: 1, 3: 1 },
      summary: 'Seat 1 won with 2 of 5 rounds',
    });
    expect(viewOf(game.state, 'spectator').winners).toEqual([1]);
  });

  it('shares the win between tied top scores', () => {
    const game = battle(2, { ...fast, rounds: 2 });
    game.roastAll([0, 1]);
    game.vote({ 0: 1, 1: 0 });
    expect(game.state.rounds[0].winner).toBe(0);
    game.timeout();
    game.roastAll([0, 1]);
    game.vote({ 0: 1 });
    game.timeout();
    expect(roastEngine.result(game.state)?.winners).toEqual([0, 1]);
  });

  it('draws themes from the shuffled list without repeats, reproducibly per seed', () => {
    const twelve = battle(2, { ...fast, rounds: ROAST_THEMES.length }, 99).state.themes;
    expect([...twelve].sort()).toEqual([...ROAST_THEMES].sort());
    expect(battle(2, fast, 99).state.themes).toEqual(battle(2, fast, 99).state.themes);
    expect(battle(2, fast, 1).state.themes).not.toEqual(battle(2, fast, 2).state.themes);
  });
});

describe('roast battle: rejections carry their code', () => {
  it('GAME_NOT_ACTIVE once the battle is over or reset', () => {
    const game = battle(2, { ...fast, rounds: 1 });
    game.roastAll([0, 1]);
    game.vote({ 0: 1, 1: 0 });
    expect(game.state.phase).toBe('finished');
    expect(codeOf(game.attempt({ type: 'roast', text: 'late' }, 0))).toBe('GAME_NOT_ACTIVE');
    // A reset is the room's: the battle's state goes with it.
    const room = gameRoom(anyRoast, 2, fast);
    room.run({ type: 'game.reset' }, 'user-0');
    expect(codeOf(room.run({ type: 'game.act', action: { type: 'vote', seat: 1 } }, 'user-0'))).toBe('GAME_NOT_ACTIVE');
  });

  it('NOT_YOUR_TURN for a seat that is not in the battle', () => {
    expect(codeOf(battle().attempt({ type: 'roast', text: 'hi' }, 9))).toBe('NOT_YOUR_TURN');
  });

  it('WRONG_PHASE for a vote during the round and a roast during voting or the intermission', () => {
    const game = battle(2);
    expect(codeOf(game.attempt({ type: 'vote', seat: 1 }, 0))).toBe('WRONG_PHASE');
    game.roastAll([0, 1]);
    expect(codeOf(game.attempt({ type: 'roast', text: 'again' }, 0))).toBe('WRONG_PHASE');
    game.vote({ 0: 1, 1: 0 });
    expect(game.state.phase).toBe('intermission');
    expect(codeOf(game.attempt({ type: 'roast', text: 'early' }, 0))).toBe('WRONG_PHASE');
  });

  it('ALREADY_ACTED for a second roast or a second vote in a round', () => {
    const game = battle(3);
    game.roastAll([0]);
    expect(codeOf(game.attempt({ type: 'roast', text: 'second' }, 0))).toBe('ALREADY_ACTED');
    game.roastAll([1, 2]);
    game.vote({ 0: 1 });
    expect(codeOf(game.attempt({ type: 'vote', seat: 2 }, 0))).toBe('ALREADY_ACTED');
  });

  it('SELF_TARGET for a vote for your own roast', () => {
    const game = battle(2);
    game.roastAll([0, 1]);
    expect(codeOf(game.attempt({ type: 'vote', seat: 0 }, 0))).toBe('SELF_TARGET');
  });

  it('SAME_OWNER for a vote between seats of one owner, and such seats are no vote targets', () => {
    const random = seededRandom(3);
    // Seat 1 is a person; seats 2 and 3 are agents that person owns.
    const seats = seatsOf(4, (seat) =>
      seat >= 2 ? { kind: 'agent', userId: `agent-${seat}`, ownerId: 'user-1' } : {},
    );
    let state = roastEngine.start(seats, fast, contextAt(random, T0)).state;
    for (const seat of [0, 1, 2, 3])
      state = mustApply(roastEngine, state, { type: 'roast', text: `r${seat}` }, seat, contextAt(random, T0)).state;
    expect(codeOf(playMove(roastEngine, state, { type: 'vote', seat: 2 }, 1, contextAt(random, T0)))).toBe(
      'SAME_OWNER',
    );
    expect(codeOf(playMove(roastEngine, state, { type: 'vote', seat: 1 }, 3, contextAt(random, T0)))).toBe(
      'SAME_OWNER',
    );
    expect(viewOf(state, 1).you?.voteTargets).toEqual([0]);
    expect(viewOf(state, 0).you?.voteTargets).toEqual([1, 2, 3]);
  });

  it('ROLE_FORBIDDEN for a non-agent vote when only agents vote', () => {
    const random = seededRandom(4);
    const seats = seatsOf(3, (seat) => (seat === 2 ? { kind: 'agent', ownerId: 'owner-x' } : {}));
    let state = roastEngine.start(seats, { ...fast, agentsOnlyVoting: true }, contextAt(random, T0)).state;
    for (const seat of [0, 1, 2])
      state = mustApply(roastEngine, state, { type: 'roast', text: `r${seat}` }, seat, contextAt(random, T0)).state;
    expect(roastEngine.pendingSeats(state)).toEqual([2]);
    expect(codeOf(playMove(roastEngine, state, { type: 'vote', seat: 2 }, 0, contextAt(random, T0)))).toBe(
      'ROLE_FORBIDDEN',
    );
    expect(viewOf(state, 0).you).toMatchObject({ canVote: false, voteTargets: [] });
    // The only agent's vote ends the voting at once.
    state = mustApply(roastEngine, state, { type: 'vote', seat: 1 }, 2, contextAt(random, T0)).state;
    expect(state.rounds[0].winner).toBe(1);
  });

  it('INVALID_TARGET for a vote for a seat without a roast or outside the battle', () => {
    const game = battle(3);
    game.roastAll([0, 1]);
    game.timeout();
    expect(codeOf(game.attempt({ type: 'vote', seat: 2 }, 0))).toBe('INVALID_TARGET');
    expect(codeOf(game.attempt({ type: 'vote', seat: 7 }, 0))).toBe('INVALID_TARGET');
  });

  it('INVALID_ACTION for unknown or malformed actions and a system roast', () => {
    const game = battle(2);
    expect(codeOf(game.attempt({ type: 'dance' }, 0))).toBe('INVALID_ACTION');
    expect(codeOf(game.attempt({ type: 'roast', text: '   ' }, 0))).toBe('INVALID_ACTION');
    expect(codeOf(game.attempt({ type: 'roast', text: 42 }, 0))).toBe('INVALID_ACTION');
    expect(codeOf(game.attempt({ type: 'roast', text: 'from nowhere' }, 'system'))).toBe('INVALID_ACTION');
    expect(codeOf(game.attempt({ type: 'timeout', deadlineId: game.state.deadline?.id }, 0))).toBe('INVALID_ACTION');
    game.roastAll([0, 1]);
    expect(codeOf(game.attempt({ type: 'vote', seat: '1' }, 0))).toBe('INVALID_ACTION');
    expect(codeOf(game.attempt({ type: 'vote', seat: 0.5 }, 1))).toBe('INVALID_ACTION');
  });

  it('TEXT_TOO_LONG above 280 characters, counting an emoji as one', () => {
    const game = battle(2);
    expect(codeOf(game.attempt({ type: 'roast', text: 'x'.repeat(281) }, 0))).toBe('TEXT_TOO_LONG');
    game.act({ type: 'roast', text: '😂'.repeat(280) }, 0);
    expect(game.state.roasts[0]).toHaveLength(560);
  });

  it('HOST_ONLY for a reset by a seat that is not the host', () => {
    const room = gameRoom(anyRoast, 2, fast);
    expect(codeOf(room.run({ type: 'game.reset' }, 'user-1'))).toBe('HOST_ONLY');
    expect(codeOf(room.run({ type: 'game.act', action: { type: 'reset' } }, 'user-0'))).toBe('INVALID_ACTION');
  });

  it('INVALID_OPTIONS for unknown keys and out-of-range values', () => {
    expect(parseRoastOptions(undefined)).toEqual(roastEngine.defaultOptions);
    expect(parseRoastOptions({ roundMs: 500, agentsOnlyVoting: true })).toMatchObject({
      roundMs: 500,
      votingMs: 20_000,
      agentsOnlyVoting: true,
    });
    expect(codeOf(parseRoastOptions({ rounds: 13 }))).toBe('INVALID_OPTIONS');
    expect(codeOf(parseRoastOptions({ roundMs: 0 }))).toBe('INVALID_OPTIONS');
    expect(codeOf(parseRoastOptions({ votingMs: 1.5 }))).toBe('INVALID_OPTIONS');
    expect(codeOf(parseRoastOptions({ agentsOnlyVoting: 'yes' } as unknown as Partial<RoastOptions>))).toBe(
      'INVALID_OPTIONS',
    );
    expect(codeOf(parseRoastOptions({ colour: 'red' } as unknown as Partial<RoastOptions>))).toBe('INVALID_OPTIONS');
  });
});

describe('roast battle: the content policy', () => {
  const engine = createRoastEngine({
    checkText: (text) =>
      text.includes('slur')
        ? { allowed: false, code: 'CONTENT_BLOCKED' }
        : text.includes('spam')
          ? { allowed: false }
          : { allowed: true },
  });

  it("rejects a blocked roast with the policy's code and lets the seat rewrite it", () => {
    const game = battle(2, fast, 7, engine);
    expect(codeOf(game.attempt({ type: 'roast', text: 'a slur' }, 0))).toBe('CONTENT_BLOCKED');
    expect(codeOf(game.attempt({ type: 'roast', text: 'spam spam' }, 0))).toBe('CONTENT_BLOCKED');
    expect(game.state.roasts).toEqual({});
    expect(engine.pendingSeats(game.state)).toEqual([0, 1]);
    game.act({ type: 'roast', text: 'a clean burn' }, 0);
    expect(game.state.roasts[0]).toBe('a clean burn');
  });
});

describe('roast battle: phases and deadlines', () => {
  it('starts voting as soon as every seat has roasted, with a new deadline', () => {
    const game = battle(3);
    const roundDeadline = game.state.deadline!;
    expect(roundDeadline.at).toBe(T0 + fast.roundMs);
    game.roastAll([0, 1]);
    expect(game.state.phase).toBe('round');
    expect(roastEngine.pendingSeats(game.state)).toEqual([2]);
    game.roastAll([2]);
    expect(game.state.phase).toBe('voting');
    expect(game.state.deadline!.id).not.toBe(roundDeadline.id);
    expect(game.state.deadline!.at).toBe(T0 + fast.votingMs);
  });

  it('skips missing roasts at the round deadline', () => {
    const game = battle(4);
    game.roastAll([1, 3]);
    game.timeout();
    expect(game.state.phase).toBe('voting');
    expect(Object.keys(game.state.roasts)).toEqual(['1', '3']);
    expect(roastEngine.pendingSeats(game.state)).toEqual([0, 1, 2, 3]);
  });

  it('with no roast at all, the round has no winner and goes to the intermission', () => {
    const game = battle(3);
    const done = game.timeout();
    expect(game.state.rounds[0]).toMatchObject({ winner: null, decidedBy: 'none' });
    expect(game.state.phase).toBe('intermission');
    expect(game.state.scores).toEqual({ 0: 0, 1: 0, 2: 0 });
    expect(done.events.map((event) => event.type)).toEqual(['round_resolved', 'intermission_started']);
  });

  it('resolves the voting at its deadline with the votes cast, skipping the missing ones', () => {
    const game = battle(4);
    game.roastAll([0, 1, 2, 3]);
    game.vote({ 0: 3 });
    game.timeout();
    expect(game.state.rounds[0]).toMatchObject({ winner: 3, votes: { 0: 3 } });
  });

  it('starts the next round 2 s after a result by default, with a new theme', () => {
    const game = battle(2, { ...roastEngine.defaultOptions });
    game.roastAll([0, 1]);
    game.vote({ 0: 1, 1: 0 });
    expect(game.state.deadline!.at).toBe(T0 + 2_000);
    const theme = game.state.themes[0];
    const next = game.timeout();
    expect(next.events[0]).toMatchObject({ type: 'round_started', payload: { round: 2 } });
    expect(next.events[0].payload.theme).not.toBe(theme);
  });

  it('rejects a stale deadline as STALE_DEADLINE', () => {
    const game = battle(2);
    const roundDeadline = game.state.deadline!;
    game.roastAll([0, 1]);
    const stale = game.attempt({ type: 'timeout', deadlineId: roundDeadline.id }, 'system');
    expect(codeOf(stale)).toBe('STALE_DEADLINE');
    expect(codeOf(game.attempt({ type: 'timeout', deadlineId: 'made-up' }, 'system'))).toBe('STALE_DEADLINE');
    expect(codeOf(game.attempt({ type: 'timeout' }, 'system'))).toBe('STALE_DEADLINE');
  });

  it('reset returns to the lobby with no deadline, so the old deadline can never fire', () => {
    const room = gameRoom(anyRoast, 3, fast);
    for (const seat of [0, 1, 2])
      room.run({ type: 'game.act', action: { type: 'roast', text: `r${seat}` } }, `user-${seat}`);
    room.run({ type: 'game.act', action: { type: 'vote', seat: 1 } }, 'user-0');
    const pending = roastEngine.deadline(room.state.game as RoastState)!;
    const reset = room.run({ type: 'game.reset' }, 'user-0');
    expect(reset.ok && reset.events.map((event) => event.type)).toEqual(['game_reset']);
    expect(room.state).toMatchObject({ phase: 'lobby', game: null });
    expect(roomDeadlines(room.state, room.engines)).toEqual([]);
    expect(codeOf(room.run({ type: 'game.timeout', deadlineId: pending.id }, null))).toBe('STALE_DEADLINE');
    expect(roomView(room.state, anyRoast, 0)).toMatchObject({ phase: 'lobby', game: null, result: null });
  });

  it('a battle started again after a reset never reuses the old deadline ids', () => {
    const random = seededRandom(5);
    const first = roastEngine.start(seatsOf(2), fast, contextAt(random, T0)).state;
    const second = roastEngine.start(seatsOf(2), fast, contextAt(random, T0 + 10)).state;
    expect(second.deadline!.id).not.toBe(first.deadline!.id);
    expect(
      codeOf(
        playMove(
          roastEngine,
          second,
          { type: 'timeout', deadlineId: first.deadline!.id },
          'system',
          contextAt(random, T0),
        ),
      ),
    ).toBe('STALE_DEADLINE');
  });

  it('resolves a voting at once when nobody may vote', () => {
    const random = seededRandom(11);
    let state = roastEngine.start(seatsOf(3), { ...fast, agentsOnlyVoting: true }, contextAt(random, T0)).state;
    for (const seat of [0, 1])
      state = mustApply(roastEngine, state, { type: 'roast', text: `r${seat}` }, seat, contextAt(random, T0)).state;
    const done = mustApply(roastEngine, state, { type: 'roast', text: 'r2' }, 2, contextAt(random, T0));
    expect(done.events.map((event) => event.type)).toEqual([
      'roast_submitted',
      'voting_started',
      'round_resolved',
      'intermission_started',
    ]);
    expect(done.state.rounds[0].decidedBy).toBe('draw');
  });
});

describe('roast battle: what each viewer sees', () => {
  it('keeps roast texts with their authors until voting, then shows them to everyone', () => {
    const game = battle(3);
    const submitted = game.act({ type: 'roast', text: 'secret burn by zero' }, 0);
    expect(JSON.stringify(submitted.events)).not.toContain('secret burn');
    expect(viewOf(game.state, 0).you?.roast).toBe('secret burn by zero');
    for (const viewer of [1, 2, 'spectator'] as const) {
      expect(JSON.stringify(viewOf(game.state, viewer))).not.toContain('secret burn');
    }
    expect(viewOf(game.state, 1).seats.map((seat) => seat.submitted)).toEqual([true, false, false]);
    game.roastAll([1, 2]);
    expect(viewOf(game.state, 'spectator').roasts).toEqual([
      { seat: 0, text: 'secret burn by zero' },
      { seat: 1, text: 'roast by 1' },
      { seat: 2, text: 'roast by 2' },
    ]);
  });

  it('keeps who voted for whom with the voter until the round resolves', () => {
    const game = battle(3);
    game.roastAll([0, 1, 2]);
    const cast = game.act({ type: 'vote', seat: 2 }, 0);
    expect(cast.events).toEqual([{ type: 'vote_cast', payload: { round: 1, seat: 0 }, audience: 'all' }]);
    expect(viewOf(game.state, 0).you?.votedFor).toBe(2);
    const other = viewOf(game.state, 1);
    expect(other.you?.votedFor).toBeNull();
    expect(other.seats[0].voted).toBe(true);
    expect(other.results).toEqual([]);
    expect(JSON.stringify(other)).not.toMatch(/"votes"/);
    game.vote({ 1: 2, 2: 0 });
    expect(viewOf(game.state, 'spectator').results[0].votes).toEqual({ 0: 2, 1: 2, 2: 0 });
  });

  it('gives spectators the public view and a read-only room channel', () => {
    const game = battle(2);
    expect(viewOf(game.state, 'spectator').you).toBeNull();
    expect(roastChatChannels(game.state, 'spectator')).toEqual([{ channel: 'room', canRead: true, canWrite: false }]);
    expect(roastChatChannels(game.state, 1)).toEqual([{ channel: 'room', canRead: true, canWrite: true }]);
    expect(roastChatChannels(game.state, 5)).toEqual([{ channel: 'room', canRead: true, canWrite: false }]);
  });
});

describe('roast battle: the bot', () => {
  it('writes a roast within the limit about the round theme', () => {
    const game = battle(3, { ...fast, maxRoastLength: 40 });
    const action = roastEngine.botAction(roastEngine.view(game.state, 1), 1, [], contextAt(game.random, T0));
    expect(action?.type).toBe('roast');
    expect(typeof action?.text).toBe('string');
    expect([...String(action?.text)].length).toBeLessThanOrEqual(40);
    game.act(action!, 1);
    expect(roastEngine.botAction(roastEngine.view(game.state, 1), 1, [], contextAt(game.random, T0))).toBeNull();
  });

  it('votes for the best roast it may vote for, whoever won before, never its own', () => {
    const game = battle(4);
    const theme = game.state.themes[0];
    game.roastAll([0, 1, 2]);
    game.act({ type: 'roast', text: `Seat 0, your ${theme} is so sad that even robots cry. Why?` }, 3);
    const memory = [
      { round: 1, winner: 2 },
      { round: 2, winner: 2 },
      { round: 3, winner: 2 },
    ];
    const fromTwo = roastEngine.botAction(roastEngine.view(game.state, 2), 2, memory, contextAt(game.random, T0));
    expect(fromTwo).toEqual({ type: 'vote', seat: 3 });
    const fromThree = roastEngine.botAction(roastEngine.view(game.state, 3), 3, memory, contextAt(game.random, T0));
    expect(fromThree).toMatchObject({ type: 'vote' });
    expect(fromThree?.seat).not.toBe(3);
  });

  it('remembers the last resolved round, and does nothing as a spectator or when it may not vote', () => {
    const game = battle(2, { ...fast, agentsOnlyVoting: true });
    expect(roastEngine.botMemoryEntry?.(roastEngine.view(game.state, 0), 0)).toBeNull();
    game.roastAll([0, 1]);
    expect(roastEngine.botAction(roastEngine.view(game.state, 0), 0, [], contextAt(game.random, T0))).toBeNull();
    expect(
      roastEngine.botAction(roastEngine.view(game.state, 'spectator'), 0, [], contextAt(game.random, T0)),
    ).toBeNull();
    const resolved = game.state.rounds[0];
    expect(roastEngine.botMemoryEntry?.(roastEngine.view(game.state, 0), 0)).toEqual({
      round: 1,
      winner: resolved.winner,
    });
  });
});
