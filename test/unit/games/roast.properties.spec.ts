import fc from 'fast-check';
import {
  isRejection,
  type Actor,
  type GameAction,
  type GameEvent,
  type SeatInfo,
  type Viewer,
} from '../../../src/games/domain/engine';
import { playMove } from '../../../src/games/domain/moves';
import { seededRandom } from '../../../src/games/domain/random';
import { roastEngine } from '../../../src/games/domain/roast/roast.engine';
import { mayVote, voteTargets } from '../../../src/games/domain/roast/roast.rules';
import type { RoastOptions, RoastState } from '../../../src/games/domain/roast/roast.types';
import { canSee, contextAt, playWithBots, seatsOf } from '../../support/engine-harness';

const T0 = 1_000_000;

/** Seats of every kind, some agents sharing an owner with another seat, and a room setup around them. */
const tableArb = fc
  .record({
    kinds: fc.array(fc.constantFrom('human' as const, 'agent' as const, 'bot' as const), {
      minLength: 2,
      maxLength: 8,
    }),
    owners: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 8, maxLength: 8 }),
    rounds: fc.integer({ min: 1, max: 5 }),
    agentsOnlyVoting: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ kinds, owners, rounds, agentsOnlyVoting, seed }) => ({
    seats: seatsOf(kinds.length, (seat): Partial<SeatInfo> =>
      kinds[seat] === 'agent'
        ? { kind: 'agent', userId: `agent-${seat}`, ownerId: `user-${owners[seat] % kinds.length}` }
        : { kind: kinds[seat] },
    ),
    options: {
      ...roastEngine.defaultOptions,
      rounds,
      agentsOnlyVoting,
      roundMs: 600,
      votingMs: 200,
      intermissionMs: 20,
    } satisfies RoastOptions,
    seed,
  }));

interface Move {
  actor: Actor;
  action: GameAction;
}

/** A roast text that can be told apart from every other in a serialized view. */
const secret = (seat: number, round: number) => `<secret of seat ${seat} in round ${round}>`;

function legalMoves(state: RoastState): Move[] {
  const moves: Move[] = [];
  for (const seat of roastEngine.pendingSeats(state)) {
    if (state.phase === 'round')
      moves.push({ actor: seat, action: { type: 'roast', text: secret(seat, state.round) } });
    const voter = state.seats.find((candidate) => candidate.seat === seat)!;
    if (state.phase === 'voting')
      for (const target of voteTargets(state, voter))
        moves.push({ actor: seat, action: { type: 'vote', seat: target } });
  }
  if (state.deadline) moves.push({ actor: 'system', action: { type: 'timeout', deadlineId: state.deadline.id } });
  return moves;
}

function mustHold(holds: boolean, leak: string, viewer: Viewer): void {
  if (!holds) throw new Error(`${leak} reaches viewer ${viewer}`);
}

/** Before voting, a roast text reaches only its author; before a round resolves, a vote only its voter. */
function expectNothingLeaks(state: RoastState, events: GameEvent[]): void {
  const viewers: Viewer[] = [...state.seats.map((seat) => seat.seat), 'spectator', 'host'];
  for (const viewer of viewers) {
    const view = JSON.stringify(roastEngine.view(state, viewer));
    const seenEvents = JSON.stringify(events.filter((event) => canSee(event, viewer)));
    if (state.phase === 'round') {
      for (const author of state.seats.filter((seat) => seat.seat !== viewer)) {
        mustHold(!view.includes(secret(author.seat, state.round)), `the roast of seat ${author.seat}`, viewer);
        mustHold(
          !seenEvents.includes(secret(author.seat, state.round)),
          `the roast of seat ${author.seat} (event)`,
          viewer,
        );
      }
    }
    if (state.phase === 'voting') {
      const redirected = Object.fromEntries(
        Object.entries(state.votes).map(([voter, target]) => [voter, Number(voter) === viewer ? target : -1]),
      );
      mustHold(
        JSON.stringify(roastEngine.view({ ...state, votes: redirected }, viewer)) === view,
        'the votes of others',
        viewer,
      );
    }
  }
}

/** A vote that does not end the voting looks the same to every other viewer, whichever roast it named. */
function expectVoteUnseen(before: RoastState, move: Move, after: RoastState, events: GameEvent[]): void {
  if (move.action.type !== 'vote' || after.phase !== 'voting') return;
  const other = legalMoves(before).find((alt) => alt.actor === move.actor && alt.action.seat !== move.action.seat);
  if (!other) return;
  const alternative = playMove(roastEngine, before, other.action, move.actor, contextAt(seededRandom(0), T0));
  if (isRejection(alternative)) throw new Error(`legal move ${JSON.stringify(other)} rejected: ${alternative.code}`);
  for (const viewer of [...before.seats.map((seat) => seat.seat), 'spectator' as const, 'host' as const]) {
    if (viewer === move.actor) continue;
    const seen = (list: GameEvent[]) => JSON.stringify(list.filter((event) => canSee(event, viewer)));
    mustHold(seen(events) === seen(alternative.events), `whom seat ${move.actor} voted for (events)`, viewer);
    const view = (state: RoastState) => JSON.stringify(roastEngine.view(state, viewer));
    mustHold(view(after) === view(alternative.state), `whom seat ${move.actor} voted for (view)`, viewer);
  }
}

function expectInvariants(state: RoastState): void {
  expect(new Set(state.themes).size).toBe(state.options.rounds);
  const total = Object.values(state.scores).reduce((sum, score) => sum + score, 0);
  expect(total).toBe(state.rounds.filter((record) => record.winner !== null).length);
  expect(roastEngine.deadline(state) === null).toBe(state.phase === 'finished' || state.phase === 'lobby');
  for (const [voterSeat, target] of Object.entries(state.votes).map(([voter, seat]) => [Number(voter), seat])) {
    const voter = state.seats.find((seat) => seat.seat === voterSeat)!;
    expect(mayVote(state, voter)).toBe(true);
    expect(voteTargets(state, voter)).toContain(target);
  }
  for (const record of state.rounds) {
    const submitters = Object.keys(record.roasts).map(Number);
    if (record.decidedBy === 'none') expect(submitters).toEqual([]);
    if (record.decidedBy === 'draw') {
      expect(record.votes).toEqual({});
      expect(submitters).toContain(record.winner);
    }
    if (record.decidedBy === 'votes') {
      const counts = new Map<number, number>();
      for (const target of Object.values(record.votes)) counts.set(target, (counts.get(target) ?? 0) + 1);
      const top = Math.max(...counts.values());
      expect(Math.min(...[...counts].filter(([, count]) => count === top).map(([seat]) => seat))).toBe(record.winner);
    }
  }
}

describe('roast battle: properties', () => {
  it('random legal play with timeouts keeps every invariant, leaks nothing, and ends', () => {
    fc.assert(
      fc.property(tableArb, fc.array(fc.nat(), { maxLength: 150 }), ({ seats, options, seed }, picks) => {
        const random = seededRandom(seed);
        let now = T0;
        let state = roastEngine.start(seats, options, contextAt(random, now)).state;
        // After the picks run out only deadlines fire: three per round at most.
        const bound = picks.length + 3 * options.rounds;
        for (let step = 0; step < bound && state.phase !== 'finished'; step += 1) {
          const moves = step < picks.length ? legalMoves(state) : legalMoves(state).slice(-1);
          const move = moves[(picks[step] ?? 0) % moves.length];
          if (move.action.type === 'timeout') now = state.deadline!.at;
          const outcome = playMove(roastEngine, state, move.action, move.actor, contextAt(random, now));
          if (isRejection(outcome)) throw new Error(`legal move ${JSON.stringify(move)} rejected: ${outcome.code}`);
          expectVoteUnseen(state, move, outcome.state, outcome.events);
          state = outcome.state;
          expectNothingLeaks(state, outcome.events);
          expectInvariants(state);
          if (move.actor !== 'system') {
            const again = playMove(roastEngine, state, move.action, move.actor, contextAt(random, now));
            expect(isRejection(again)).toBe(true);
          }
        }
        expect(state.phase).toBe('finished');
        expect(state.rounds).toHaveLength(options.rounds);
      }),
      { numRuns: 200 },
    );
  });

  it('bots-only battles always finish, with legal bot actions', () => {
    fc.assert(
      fc.property(tableArb, ({ seats, options, seed }) => {
        const bots = seats.map((seat) => ({ ...seat, kind: seat.kind === 'agent' ? seat.kind : ('bot' as const) }));
        const played = playWithBots(roastEngine, bots, options, {
          seed,
          maxSteps: options.rounds * (2 * bots.length + 3),
        });
        for (const step of played.steps) expectNothingLeaks(step.after, step.events);
        expectInvariants(played.final);
        expect(played.final.rounds).toHaveLength(options.rounds);
        // Bots always roast, so every round has a winner.
        expect(played.final.rounds.every((record) => record.winner !== null)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('battles with some bots and idle seats finish through the deadlines', () => {
    fc.assert(
      fc.property(
        tableArb,
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        ({ seats, options, seed }, isBot) => {
          const botSeats = seats.map((seat) => seat.seat).filter((seat) => isBot[seat]);
          const played = playWithBots(roastEngine, seats, options, {
            seed,
            botSeats,
            maxSteps: options.rounds * (2 * seats.length + 3),
          });
          expect(roastEngine.isOver(played.final)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
