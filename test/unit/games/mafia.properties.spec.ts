import fc from 'fast-check';
import {
  isRejection,
  type Actor,
  type GameAction,
  type GameEvent,
  type Viewer,
} from '../../../src/games/domain/engine';
import { playMove } from '../../../src/games/domain/moves';
import { seededRandom } from '../../../src/games/domain/random';
import { mafiaEngine } from '../../../src/games/domain/mafia/mafia.engine';
import { livingMafia, mafiaCount } from '../../../src/games/domain/mafia/mafia.rules';
import type { MafiaOptions, MafiaRole, MafiaState } from '../../../src/games/domain/mafia/mafia.types';
import { canSee, contextAt, playWithBots, seatsOf } from '../../support/engine-harness';

const T0 = 1_000_000;
const timers = { nightMs: 70, discussionMs: 50, votingMs: 70 };

interface Move {
  actor: Actor;
  action: GameAction;
}

/** Every action the rules accept right now, and the pending deadline. */
function legalMoves(state: MafiaState): Move[] {
  const pending = mafiaEngine.pendingSeats(state);
  const moves: Move[] = [];
  for (const seat of pending) {
    if (state.phase === 'night') {
      for (const target of state.alive.filter((other) => state.roles[other] === 'town'))
        moves.push({ actor: seat, action: { type: 'kill', seat: target } });
    } else if (state.phase === 'discussion') {
      moves.push({ actor: seat, action: { type: 'ready' } });
    } else {
      for (const target of state.alive.filter((other) => other !== seat))
        moves.push({ actor: seat, action: { type: 'vote', seat: target } });
    }
  }
  if (state.deadline) moves.push({ actor: 'system', action: { type: 'timeout', deadlineId: state.deadline.id } });
  return moves;
}

const viewers = (state: MafiaState): Viewer[] => [...state.seats.map((seat) => seat.seat), 'spectator', 'host'];
const roleOf = (state: MafiaState, viewer: Viewer): MafiaRole | undefined =>
  typeof viewer === 'number' ? state.roles[viewer] : undefined;
const seesNight = (state: MafiaState, viewer: Viewer): boolean =>
  typeof viewer === 'number' && livingMafia(state).includes(viewer);

/** Whether serialized text names a seat's role as mafia (the game's own name aside). */
const revealsMafia = (value: unknown): boolean =>
  (typeof value === 'string' ? value : JSON.stringify(value)).replace('"game":"mafia"', '').includes(':"mafia"');
const revealsChoice = (value: unknown): boolean =>
  /"target"|"choices"|"mafiaChoices":\{|"killChoice":\d/.test(
    typeof value === 'string' ? value : JSON.stringify(value),
  );

/** The same state with the roles of every seat but the viewer rotated: a town viewer must not tell the difference. */
function rotateOtherRoles(state: MafiaState, viewer: number): MafiaState {
  const others = state.seats.map((seat) => seat.seat).filter((seat) => seat !== viewer);
  const roles = { ...state.roles };
  others.forEach((seat, index) => (roles[seat] = state.roles[others[(index + 1) % others.length]]));
  return { ...state, roles };
}

/** The same state with every other voter's vote pointed elsewhere: nobody may tell before the voting resolves. */
function redirectOtherVotes(state: MafiaState, viewer: Viewer): MafiaState {
  const votes = Object.fromEntries(
    Object.keys(state.votes).map((voter) => [voter, Number(voter) === viewer ? state.votes[viewer] : Number(voter)]),
  );
  return { ...state, votes };
}

/** Fails with a message naming the leak; plain throws keep thousands of checks per run fast. */
function mustHold(holds: boolean, leak: string, viewer: Viewer): void {
  if (!holds) throw new Error(`${leak} reaches viewer ${viewer}`);
}

const sameView = (state: MafiaState, other: MafiaState, viewer: Viewer, view: string): boolean =>
  JSON.stringify(mafiaEngine.view(other, viewer)) === view;

/** Hidden facts stay hidden: roles, night choices and votes, in views and in event audiences, until the end. */
function expectNothingLeaks(before: MafiaState, after: MafiaState, events: GameEvent[]): void {
  for (const event of events) {
    if (event.type === 'game_finished') continue;
    for (const viewer of viewers(before)) {
      if (!canSee(event, viewer)) continue;
      if (roleOf(before, viewer) !== 'mafia')
        mustHold(!revealsMafia(event.payload), `a mafia role in ${event.type}`, viewer);
      if (!seesNight(before, viewer))
        mustHold(!revealsChoice(event.payload), `a night choice in ${event.type}`, viewer);
    }
  }
  if (after.phase === 'finished') return;
  for (const viewer of viewers(after)) {
    const view = JSON.stringify(mafiaEngine.view(after, viewer));
    if (roleOf(after, viewer) !== 'mafia') {
      mustHold(!revealsMafia(view), 'a mafia role in the view', viewer);
      if (typeof viewer === 'number')
        mustHold(sameView(after, rotateOtherRoles(after, viewer), viewer, view), 'the roles of others', viewer);
    }
    if (!seesNight(after, viewer)) {
      mustHold(!revealsChoice(view), 'a night choice in the view', viewer);
      mustHold(sameView(after, { ...after, kills: {} }, viewer, view), "tonight's choices", viewer);
    }
    mustHold(sameView(after, redirectOtherVotes(after, viewer), viewer, view), 'the votes of others', viewer);
  }
}

/**
 * A kill or vote that does not end its phase must look the same to everyone who may not know it, whatever
 * seat it named: the same action with another target gives the same events and views to them.
 */
function expectChoiceUnseen(before: MafiaState, move: Move, after: MafiaState, events: GameEvent[]): void {
  const { actor, action } = move;
  if (actor === 'system' || (action.type !== 'kill' && action.type !== 'vote') || after.phase !== before.phase) return;
  const other = legalMoves(before).find(
    (alt) => alt.actor === actor && alt.action.type === action.type && alt.action.seat !== action.seat,
  );
  if (!other) return;
  const alternative = playMove(mafiaEngine, before, other.action, actor, contextAt(seededRandom(0), T0));
  if (isRejection(alternative)) throw new Error(`legal move ${JSON.stringify(other)} rejected: ${alternative.code}`);
  for (const viewer of viewers(before)) {
    if (viewer === actor || (action.type === 'kill' && seesNight(before, viewer))) continue;
    const seen = (list: GameEvent[]) => JSON.stringify(list.filter((event) => canSee(event, viewer)));
    mustHold(seen(events) === seen(alternative.events), `whom seat ${actor} chose (events)`, viewer);
    const view = JSON.stringify(mafiaEngine.view(after, viewer));
    mustHold(sameView(after, alternative.state, viewer, view), `whom seat ${actor} chose (view)`, viewer);
  }
}

function expectInvariants(state: MafiaState, seatCount: number, options: MafiaOptions): void {
  const everyone = state.seats.map((seat) => seat.seat);
  const roles = Object.values(state.roles);
  expect(roles).toHaveLength(seatCount);
  expect(roles.filter((role) => role === 'mafia')).toHaveLength(mafiaCount(seatCount));
  const dead = state.deaths.map((death) => death.seat);
  expect([...state.alive, ...dead].sort((a, b) => a - b)).toEqual(everyone);
  expect(state.day).toBeLessThanOrEqual(options.maxDays);
  for (const seat of mafiaEngine.pendingSeats(state)) expect(state.alive).toContain(seat);
  const mafia = livingMafia(state).length;
  const town = state.alive.length - mafia;
  if (state.phase === 'finished') {
    expect(mafiaEngine.deadline(state)).toBeNull();
    if (state.winner === 'mafia') expect(mafia).toBeGreaterThanOrEqual(town);
    else expect(mafia === 0 || state.day === options.maxDays).toBe(true);
  } else {
    expect(mafiaEngine.deadline(state)).not.toBeNull();
    expect(mafia).toBeGreaterThan(0);
    expect(mafia).toBeLessThan(town);
  }
}

describe('mafia: properties', () => {
  it('random legal play with timeouts keeps every invariant, the dead never act, nothing leaks, and it ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.integer(),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 120 }),
        (seatCount, seed, maxDays, picks) => {
          const options = { ...timers, maxDays };
          const random = seededRandom(seed);
          let now = T0;
          const started = mafiaEngine.start(seatsOf(seatCount), options, contextAt(random, now));
          let state = started.state;
          expectNothingLeaks(state, state, started.events);
          // After the picks run out only deadlines fire, which must end any game within a bounded number of steps.
          const bound = picks.length + 3 * maxDays + 1;
          for (let step = 0; step < bound && state.phase !== 'finished'; step += 1) {
            for (const death of state.deaths) {
              const tried = playMove(
                mafiaEngine,
                state,
                { type: 'vote', seat: state.alive[0] },
                death.seat,
                contextAt(random, now),
              );
              expect(isRejection(tried) && tried.code).toBe('DEAD_SEAT');
            }
            const moves = step < picks.length ? legalMoves(state) : legalMoves(state).slice(-1);
            const move = moves[(picks[step] ?? 0) % moves.length];
            if (move.action.type === 'timeout') now = state.deadline!.at;
            const outcome = playMove(mafiaEngine, state, move.action, move.actor, contextAt(random, now));
            if (isRejection(outcome)) throw new Error(`legal move ${JSON.stringify(move)} rejected: ${outcome.code}`);
            expectNothingLeaks(state, outcome.state, outcome.events);
            expectChoiceUnseen(state, move, outcome.state, outcome.events);
            state = outcome.state;
            expectInvariants(state, seatCount, options);
          }
          expect(state.phase).toBe('finished');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('bots-only games always finish, with legal bot actions and nothing leaked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.integer(),
        fc.integer({ min: 1, max: 5 }),
        (seatCount, seed, maxDays) => {
          const seats = seatsOf(seatCount, (seat) => ({ kind: 'bot', name: `Bot ${seat}` }));
          const options = { ...timers, maxDays };
          const played = playWithBots(mafiaEngine, seats, options, {
            seed,
            maxSteps: maxDays * (3 * seatCount + 3) + 1,
          });
          for (const step of played.steps) expectNothingLeaks(step.before, step.after, step.events);
          expectInvariants(played.final, seatCount, options);
          expect(mafiaEngine.result(played.final)?.winners.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('games with some bots and idle seats finish through the deadlines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.integer(),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (seatCount, seed, isBot) => {
          const seats = seatsOf(seatCount);
          const botSeats = seats.map((seat) => seat.seat).filter((seat) => isBot[seat]);
          const played = playWithBots(
            mafiaEngine,
            seats,
            { ...timers, maxDays: 3 },
            { seed, botSeats, maxSteps: 3 * (3 * seatCount + 3) + 1 },
          );
          expect(mafiaEngine.isOver(played.final)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('bot policies play both sides: over many seeded games each side wins some', () => {
    const wins = { town: 0, mafia: 0 };
    for (let seed = 0; seed < 200; seed += 1) {
      const seats = seatsOf(8, () => ({ kind: 'bot' }));
      const played = playWithBots(mafiaEngine, seats, { ...timers, maxDays: 3 }, { seed, maxSteps: 200 });
      wins[played.final.winner!] += 1;
    }
    expect(wins.town + wins.mafia).toBe(200);
    expect(wins.town).toBeGreaterThan(0);
    expect(wins.mafia).toBeGreaterThan(0);
  });
});
