import fc from 'fast-check';
import {
  isRejection,
  type Actor,
  type GameAction,
  type GameEngine,
  type GameEvent,
  type Viewer,
} from '../../../src/games/domain/engine';
import { playMove } from '../../../src/games/domain/moves';
import { seededRandom } from '../../../src/games/domain/random';
import { crewEngine } from '../../../src/games/domain/crew/crew.engine';
import { impostorCount, livingCrew, livingImpostors } from '../../../src/games/domain/crew/crew.rules';
import type { CrewOptions, CrewRole, CrewState } from '../../../src/games/domain/crew/crew.types';
import { eventView } from '../../../src/games/domain/room/room.rules';
import type { StoredRoomEvent } from '../../../src/games/domain/room/room.types';
import { canSee, contextAt, gameRoom, playWithBots, seatsOf } from '../../support/engine-harness';

const T0 = 1_000_000;
const timers = { tasksMs: 80, meetingMs: 60 };
const anyCrew = crewEngine as unknown as GameEngine<unknown, object>;

interface Move {
  actor: Actor;
  action: GameAction;
}

/** Every action the rules accept right now (emergency meetings included), and the pending deadline. */
function legalMoves(state: CrewState): Move[] {
  const moves: Move[] = [];
  for (const seat of crewEngine.pendingSeats(state)) {
    if (state.phase === 'tasks') {
      moves.push({ actor: seat, action: { type: 'task' } });
      if (state.roles[seat] === 'impostor')
        for (const target of livingCrew(state)) moves.push({ actor: seat, action: { type: 'kill', seat: target } });
    } else {
      moves.push({ actor: seat, action: { type: 'skip' } });
      for (const target of state.alive.filter((other) => other !== seat))
        moves.push({ actor: seat, action: { type: 'vote', seat: target } });
    }
  }
  if (state.phase === 'tasks')
    for (const seat of state.alive.filter((living) => !state.emergencyUsed.includes(living)))
      moves.push({ actor: seat, action: { type: 'meeting' } });
  if (state.deadline) moves.push({ actor: 'system', action: { type: 'timeout', deadlineId: state.deadline.id } });
  return moves;
}

const viewers = (state: CrewState): Viewer[] => [...state.seats.map((seat) => seat.seat), 'spectator', 'host'];
const isImpostor = (state: CrewState, viewer: Viewer): boolean =>
  typeof viewer === 'number' && state.roles[viewer] === 'impostor';
const isKiller = (state: CrewState, viewer: Viewer): boolean => state.kills.some((kill) => kill.killer === viewer);

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
/** Whether serialized text names a role as impostor, or a kill's author. */
const revealsImpostor = (value: unknown): boolean => text(value).includes('"impostor"');
const revealsKiller = (value: unknown): boolean => text(value).includes('"killer"');

/** The same state with the roles of every seat but the viewer's rotated: a crew viewer must not tell the difference. */
function rotateOtherRoles(state: CrewState, viewer: Viewer): CrewState {
  const others = state.seats.map((seat) => seat.seat).filter((seat) => seat !== viewer);
  const roles: Record<number, CrewRole> = { ...state.roles };
  others.forEach((seat, index) => (roles[seat] = state.roles[others[(index + 1) % others.length]]));
  return { ...state, roles };
}

/** The same state with every kill's author replaced: only an author may tell the difference. */
const anonymousKills = (state: CrewState): CrewState => ({
  ...state,
  kills: state.kills.map((kill) => ({ ...kill, killer: -1 })),
});

/** The same state with every other voter's vote changed: nobody may tell before the meeting resolves. */
function redirectOtherVotes(state: CrewState, viewer: Viewer): CrewState {
  const votes = Object.fromEntries(
    Object.entries(state.votes).map(([voter, vote]) => [
      voter,
      Number(voter) === viewer ? vote : vote === 'skip' ? Number(voter) : 'skip',
    ]),
  );
  return { ...state, votes };
}

/** Fails with a message naming the leak; plain throws keep thousands of checks per run fast. */
function mustHold(holds: boolean, leak: string, viewer: Viewer): void {
  if (!holds) throw new Error(`${leak} reaches viewer ${viewer}`);
}

const sameView = (other: CrewState, viewer: Viewer, view: string): boolean =>
  JSON.stringify(crewEngine.view(other, viewer)) === view;

/** Hidden facts stay hidden until the end: the impostors, the kills' authors and unresolved votes, in views and events. */
function expectNothingLeaks(before: CrewState, after: CrewState, events: GameEvent[]): void {
  for (const event of events) {
    if (event.type === 'game_finished') continue;
    for (const viewer of viewers(before)) {
      if (!canSee(event, viewer)) continue;
      if (!isImpostor(before, viewer))
        mustHold(!revealsImpostor(event.payload), `an impostor in ${event.type}`, viewer);
      mustHold(!revealsKiller(event.payload), `a kill's author in ${event.type}`, viewer);
    }
  }
  if (after.phase === 'finished') return;
  for (const viewer of viewers(after)) {
    const view = JSON.stringify(crewEngine.view(after, viewer));
    if (!isImpostor(after, viewer)) {
      mustHold(!revealsImpostor(view), 'an impostor in the view', viewer);
      mustHold(sameView(rotateOtherRoles(after, viewer), viewer, view), 'the roles of others', viewer);
    }
    if (!isKiller(after, viewer)) mustHold(sameView(anonymousKills(after), viewer, view), "a kill's author", viewer);
    mustHold(sameView(redirectOtherVotes(after, viewer), viewer, view), 'the votes of others', viewer);
  }
}

/**
 * A vote that does not end its meeting, or a kill, must look the same to everyone but its author whatever it
 * chose (a vote) or whoever made it (a kill by the other living impostor).
 */
function expectChoiceUnseen(before: CrewState, move: Move): void {
  const { actor, action } = move;
  if (actor === 'system') return;
  const after = playMove(crewEngine, before, action, actor, contextAt(seededRandom(0), T0));
  if (isRejection(after)) throw new Error(`legal move ${JSON.stringify(move)} rejected: ${after.code}`);
  let alternative: Move | undefined;
  if ((action.type === 'vote' || action.type === 'skip') && after.state.phase === before.phase)
    alternative = legalMoves(before).find(
      (alt) =>
        alt.actor === actor &&
        (alt.action.type === 'vote' || alt.action.type === 'skip') &&
        (alt.action.type !== action.type || alt.action.seat !== action.seat),
    );
  if (action.type === 'kill')
    alternative = legalMoves(before).find(
      (alt) => alt.actor !== actor && alt.action.type === 'kill' && alt.action.seat === action.seat,
    );
  if (!alternative) return;
  // Both worlds draw the same numbers, as the room's source would give either move.
  const alt = playMove(crewEngine, before, alternative.action, alternative.actor, contextAt(seededRandom(0), T0));
  if (isRejection(alt)) throw new Error(`legal move ${JSON.stringify(alternative)} rejected: ${alt.code}`);
  for (const viewer of viewers(before)) {
    if (viewer === actor || viewer === alternative.actor) continue;
    // The end reveals every author anyway.
    const seen = (list: GameEvent[]) =>
      JSON.stringify(list.filter((event) => canSee(event, viewer) && event.type !== 'game_finished'));
    mustHold(seen(after.events) === seen(alt.events), `seat ${actor}'s ${action.type} (events)`, viewer);
    if (after.state.phase === 'finished') continue;
    const view = JSON.stringify(crewEngine.view(after.state, viewer));
    mustHold(sameView(alt.state, viewer, view), `seat ${actor}'s ${action.type} (view)`, viewer);
  }
}

/** Fails with the broken invariant; plain throws, since thousands of games check these after every step. */
function invariant(holds: boolean, what: string, state: CrewState): void {
  if (!holds) throw new Error(`${what} (round ${state.round}, ${state.phase})`);
}

function expectInvariants(state: CrewState, seatCount: number, options: CrewOptions): void {
  const everyone = state.seats.map((seat) => seat.seat);
  const roles = Object.values(state.roles);
  invariant(roles.length === seatCount, 'every seat has a role', state);
  const impostors = roles.filter((role) => role === 'impostor').length;
  invariant(impostors === impostorCount(seatCount, options.impostors), 'the impostor count', state);
  invariant(impostors >= 1 && impostors < seatCount / 2, 'at least one impostor, fewer than half the seats', state);
  const dead = state.deaths.map((death) => death.seat);
  const accounted = [...state.alive, ...dead].sort((a, b) => a - b);
  invariant(JSON.stringify(accounted) === JSON.stringify(everyone), 'every seat alive or dead once', state);
  invariant(state.round <= options.maxRounds, 'no round past maxRounds', state);
  for (const seat of Object.keys(state.tasksDone).map(Number)) {
    invariant(state.roles[seat] === 'crew', 'only crew have tasks', state);
    invariant(state.tasksDone[seat] <= options.tasksPerCrew, 'no more tasks than tasksPerCrew', state);
  }
  for (const kill of state.kills)
    invariant(
      state.roles[kill.killer] === 'impostor' && state.roles[kill.victim] === 'crew',
      'impostors kill crew',
      state,
    );
  const pending = crewEngine.pendingSeats(state);
  invariant(
    pending.every((seat) => state.alive.includes(seat)),
    'the dead are never waited for',
    state,
  );
  const living = { impostors: livingImpostors(state).length, crew: livingCrew(state) };
  if (state.phase === 'finished') {
    invariant(crewEngine.deadline(state) === null && pending.length === 0, 'a finished game waits for nothing', state);
    const reason = state.finishReason;
    invariant(reason !== 'impostors_ejected' || living.impostors === 0, 'ejected means none left', state);
    invariant(reason !== 'impostor_parity' || living.impostors >= living.crew.length, 'parity', state);
    invariant(
      reason !== 'tasks_done' || living.crew.every((seat) => state.tasksDone[seat] === options.tasksPerCrew),
      'tasks done',
      state,
    );
    invariant(reason !== 'time_up' || state.round === options.maxRounds, 'time up after maxRounds', state);
  } else {
    invariant(crewEngine.deadline(state) !== null, 'a phase in play has a deadline', state);
    invariant(living.impostors > 0 && living.impostors < living.crew.length, 'no undeclared winner', state);
    // A phase where everyone acted has ended: a phase in play always waits for somebody.
    invariant(pending.length > 0, 'a phase in play waits for somebody', state);
  }
}

const optionsArb = fc.record({
  tasksPerCrew: fc.integer({ min: 1, max: 4 }),
  impostors: fc.integer({ min: 0, max: 3 }),
  maxRounds: fc.integer({ min: 1, max: 6 }),
});

describe('crew: properties', () => {
  it('random legal play with timeouts keeps every invariant, the dead never act, nothing leaks, and it ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.integer(),
        optionsArb,
        fc.array(fc.nat(), { maxLength: 80 }),
        (seatCount, seed, picked, picks) => {
          const options: CrewOptions = { ...crewEngine.defaultOptions, ...timers, ...picked };
          const random = seededRandom(seed);
          let now = T0;
          const started = crewEngine.start(seatsOf(seatCount), options, contextAt(random, now));
          let state = started.state;
          expectNothingLeaks(state, state, started.events);
          expectInvariants(state, seatCount, options);
          // After the picks run out only deadlines fire: two per round end any game within maxRounds.
          const bound = picks.length + 2 * options.maxRounds;
          for (let step = 0; step < bound && state.phase !== 'finished'; step += 1) {
            for (const death of state.deaths) {
              for (const action of [{ type: 'task' }, { type: 'skip' }, { type: 'meeting' }]) {
                const tried = playMove(crewEngine, state, action, death.seat, contextAt(random, now));
                invariant(isRejection(tried) && tried.code === 'DEAD_SEAT', `dead seat ${death.seat} acted`, state);
              }
            }
            const moves = step < picks.length ? legalMoves(state) : legalMoves(state).slice(-1);
            const move = moves[(picks[step] ?? 0) % moves.length];
            if (move.action.type === 'timeout') now = state.deadline!.at;
            const outcome = playMove(crewEngine, state, move.action, move.actor, contextAt(random, now));
            if (isRejection(outcome)) throw new Error(`legal move ${JSON.stringify(move)} rejected: ${outcome.code}`);
            expectNothingLeaks(state, outcome.state, outcome.events);
            expectChoiceUnseen(state, move);
            const waitedFor = crewEngine.pendingSeats(state);
            if (move.actor !== 'system' && waitedFor.length === 1 && waitedFor[0] === move.actor)
              invariant(
                outcome.state.phaseCount > state.phaseCount || outcome.state.phase === 'finished',
                'the phase ends once everyone it waits for acted',
                state,
              );
            state = outcome.state;
            expectInvariants(state, seatCount, options);
          }
          expect(state.phase).toBe('finished');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('bots-only games always finish, with legal bot actions and nothing leaked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 10 }), fc.integer(), optionsArb, (seatCount, seed, picked) => {
        const seats = seatsOf(seatCount, (seat) => ({ kind: 'bot', name: `Bot ${seat}` }));
        const options: CrewOptions = { ...crewEngine.defaultOptions, ...timers, ...picked };
        const played = playWithBots(crewEngine, seats, options, {
          seed,
          maxSteps: options.maxRounds * (2 * seatCount + 4),
        });
        for (const step of played.steps) expectNothingLeaks(step.before, step.after, step.events);
        expectInvariants(played.final, seatCount, options);
        expect(crewEngine.result(played.final)?.winners.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('games with some bots and idle seats finish through the deadlines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.integer(),
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        (seatCount, seed, isBot) => {
          const seats = seatsOf(seatCount);
          const botSeats = seats.map((seat) => seat.seat).filter((seat) => isBot[seat]);
          const options: CrewOptions = { ...crewEngine.defaultOptions, ...timers, maxRounds: 4 };
          const played = playWithBots(crewEngine, seats, options, {
            seed,
            botSeats,
            maxSteps: 4 * (2 * seatCount + 4),
          });
          expect(crewEngine.isOver(played.final)).toBe(true);
          expectInvariants(played.final, seatCount, options);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("through the room, no seat's or spectator's event views name the impostor, a kill's author or a move's author", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (seatCount, seed, picks) => {
          const room = gameRoom(anyCrew, seatCount, { ...timers, maxRounds: 3 }, seed);
          const stored: StoredRoomEvent[] = [];
          const play = (command: Parameters<typeof room.run>[0], userId: string | null, actorSeat: number | null) => {
            const outcome = room.run(command, userId);
            if (!outcome.ok) throw new Error(`${JSON.stringify(command)} refused: ${outcome.code}`);
            stored.push({
              seq: outcome.state.seq,
              rulesVersion: 1,
              type: command.type,
              actor: userId ?? 'system',
              actorSeat,
              command,
              events: outcome.events,
              result: outcome.result,
              actionId: null,
              fingerprint: null,
              at: outcome.state.updatedAt,
              outcome: null,
            });
          };
          for (let step = 0; step < picks.length + 6 && room.state.phase === 'playing'; step += 1) {
            const game = room.state.game as CrewState;
            const moves = step < picks.length ? legalMoves(game) : legalMoves(game).slice(-1);
            const move = moves[(picks[step] ?? 0) % moves.length];
            if (move.actor === 'system')
              play({ type: 'game.timeout', deadlineId: String(move.action.deadlineId) }, null, null);
            else play({ type: 'game.act', action: move.action }, `user-${move.actor}`, move.actor);
          }
          const game = room.state.game as CrewState;
          for (const viewer of viewers(game)) {
            for (const event of stored) {
              const seen = eventView(event, viewer);
              const own = typeof viewer === 'number' && event.actorSeat === viewer;
              if (!own && event.type === 'game.act') {
                mustHold(seen.actorSeat === null, 'the author of a move', viewer);
                mustHold(seen.action === undefined, "another seat's move", viewer);
              }
              const finishedHere = seen.events.some((e) => e.type === 'game_finished');
              if (finishedHere) continue;
              if (!isImpostor(game, viewer)) mustHold(!revealsImpostor(seen.events), 'an impostor (replay)', viewer);
              if (!own) mustHold(!revealsKiller(seen.events), "a kill's author (replay)", viewer);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bot policies play both sides: over many seeded games each side wins, by each of its conditions', () => {
    const reasons: Record<string, number> = {};
    for (let seed = 0; seed < 300; seed += 1) {
      const seats = seatsOf(4 + (seed % 7), () => ({ kind: 'bot' }));
      const played = playWithBots(
        crewEngine,
        seats,
        { ...crewEngine.defaultOptions, ...timers },
        { seed, maxSteps: 400 },
      );
      const reason = played.final.finishReason!;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    expect(reasons.tasks_done).toBeGreaterThan(0);
    expect(reasons.impostor_parity).toBeGreaterThan(0);
  });
});
