import {
  reject,
  toAll,
  transition,
  type GameContext,
  type GameEvent,
  type Outcome,
  type SeatInfo,
  type Transition,
} from '../engine';
import { anySeat, hasRole, living, movesOf, seatNumber, type Phases } from '../moves';
import type { MafiaFinishReason, MafiaOptions, MafiaRole, MafiaState } from './mafia.types';

type MafiaStep = Transition<MafiaState>;
type TimedPhase = 'night' | 'discussion' | 'voting';

const step = (state: MafiaState, events: GameEvent[]) => transition(state, events);

export const mafiaCount = (seatCount: number): number => Math.max(1, Math.floor(seatCount / 4));

/** The state a game starts from: no roles, no deaths, no deadline. */
function lobbyState(seats: readonly SeatInfo[], options: MafiaOptions, phaseCount: number): MafiaState {
  return {
    game: 'mafia',
    phase: 'lobby',
    seats: [...seats].sort((a, b) => a.seat - b.seat),
    options,
    roles: {},
    alive: [],
    day: 0,
    kills: {},
    ready: [],
    votes: {},
    deaths: [],
    nights: [],
    votings: [],
    winner: null,
    finishReason: null,
    deadline: null,
    phaseCount,
    gameStartedAt: 0,
  };
}

/** Deals the roles with the room's random source; each mafia seat is told who the others are, each town seat only its own role. */
export function startGame(seats: readonly SeatInfo[], options: MafiaOptions, ctx: GameContext): MafiaStep {
  const lobby = lobbyState(seats, options, 0);
  const everyone = lobby.seats.map((seat) => seat.seat);
  const mafia = ctx.random
    .shuffle(everyone)
    .slice(0, mafiaCount(everyone.length))
    .sort((a, b) => a - b);
  const town = everyone.filter((seat) => !mafia.includes(seat));
  const roles: Record<number, MafiaRole> = Object.fromEntries(
    everyone.map((seat) => [seat, mafia.includes(seat) ? 'mafia' : 'town']),
  );
  const dealt: MafiaState = { ...lobby, roles, alive: everyone, gameStartedAt: ctx.now };
  const night = beginNight(dealt, 1, ctx);
  return step(night.state, [
    // Not `game_started`: the room announces the start itself; this is what the deal makes public.
    toAll('roles_dealt', { seats: everyone, mafiaCount: mafia.length }),
    { type: 'role_assigned', payload: { role: 'mafia', mafia }, audience: mafia },
    ...town.map((seat): GameEvent => ({ type: 'role_assigned', payload: { role: 'town' }, audience: [seat] })),
    ...night.events,
  ]);
}

const move = movesOf<MafiaState>();
const mafia = hasRole<MafiaState>((state, seat) => state.roles[seat], 'mafia', 'Only the mafia acts at night');

/** Only the living act, in every phase. */
export const mafiaActors = living<MafiaState>((state) => state.alive);

/** What seats may do: at night the mafia choose a kill; by day everyone gets ready, then votes. */
export const mafiaPhases: Phases<MafiaState> = {
  night: {
    moves: {
      kill: move({
        who: mafia,
        payload: { seat: seatNumber },
        play: (state, { seat }, by, ctx) => chooseKill(state, by.seat, seat, ctx),
      }),
    },
  },
  discussion: {
    moves: {
      ready: move({ who: anySeat, payload: {}, play: (state, _payload, by, ctx) => markReady(state, by.seat, ctx) }),
    },
  },
  voting: {
    moves: {
      vote: move({
        who: anySeat,
        payload: { seat: seatNumber },
        play: (state, { seat }, by, ctx) => castVote(state, by.seat, seat, ctx),
      }),
    },
  },
};

/** Who the phase waits for. At night this names the living mafia: it is for the runtime and bots, never for a public view. */
export function mafiaPendingSeats(state: MafiaState): number[] {
  switch (state.phase) {
    case 'night':
      return livingMafia(state).filter((seat) => !(seat in state.kills));
    case 'discussion':
      return state.alive.filter((seat) => !state.ready.includes(seat));
    case 'voting':
      return state.alive.filter((seat) => !(seat in state.votes));
    default:
      return [];
  }
}

export function livingMafia(state: MafiaState): number[] {
  return state.alive.filter((seat) => state.roles[seat] === 'mafia');
}

function chooseKill(state: MafiaState, killer: number, target: number, ctx: GameContext): Outcome<MafiaState> {
  if (killer in state.kills) return reject('ALREADY_ACTED', 'You already chose tonight');
  if (target === killer) return reject('SELF_TARGET', 'You cannot choose yourself');
  if (!state.alive.includes(target) || state.roles[target] !== 'town') {
    return reject('INVALID_TARGET', `Seat ${target} is not a living town seat`);
  }
  const next: MafiaState = { ...state, kills: { ...state.kills, [killer]: target } };
  const chosen: GameEvent = {
    type: 'kill_chosen',
    payload: { day: state.day, seat: killer, target },
    audience: livingMafia(state),
  };
  return mafiaPendingSeats(next).length > 0 ? step(next, [chosen]) : endNight(next, ctx, [chosen]);
}

function markReady(state: MafiaState, seat: number, ctx: GameContext): Outcome<MafiaState> {
  if (state.ready.includes(seat)) return reject('ALREADY_ACTED', 'You are already ready');
  const next: MafiaState = { ...state, ready: [...state.ready, seat].sort((a, b) => a - b) };
  const events = [toAll('seat_ready', { day: state.day, seat })];
  return mafiaPendingSeats(next).length > 0 ? step(next, events) : beginVoting(next, ctx, events);
}

function castVote(state: MafiaState, voter: number, target: number, ctx: GameContext): Outcome<MafiaState> {
  if (voter in state.votes) return reject('ALREADY_ACTED', 'You already voted today');
  if (target === voter) return reject('SELF_TARGET', 'You cannot vote for yourself');
  if (!state.alive.includes(target)) return reject('INVALID_TARGET', `Seat ${target} is not a living seat`);
  const next: MafiaState = { ...state, votes: { ...state.votes, [voter]: target } };
  // Only the fact of voting is public; whom it was for is published when the voting resolves.
  const events = [toAll('vote_cast', { day: state.day, seat: voter })];
  return mafiaPendingSeats(next).length > 0 ? step(next, events) : endVoting(next, ctx, events);
}

/** The phase deadline passed: the night, the discussion or the voting ends with the choices made so far. */
export function mafiaTimeout(state: MafiaState, deadlineId: string, ctx: GameContext): Outcome<MafiaState> {
  if (state.deadline === null || deadlineId !== state.deadline.id) {
    return reject('STALE_DEADLINE', 'This deadline is no longer current');
  }
  switch (state.phase) {
    case 'night':
      return endNight(state, ctx, []);
    case 'discussion':
      return beginVoting(state, ctx, []);
    case 'voting':
      return endVoting(state, ctx, []);
    default:
      return reject('STALE_DEADLINE', 'This phase has no deadline');
  }
}

function enterPhase(state: MafiaState, phase: TimedPhase, durationMs: number, ctx: GameContext): MafiaState {
  const phaseCount = state.phaseCount + 1;
  const id = `${phase}:${state.day}:${phaseCount}@${state.gameStartedAt}`;
  return { ...state, phase, phaseCount, deadline: { id, at: ctx.now + durationMs } };
}

function beginNight(state: MafiaState, day: number, ctx: GameContext): MafiaStep {
  const night: MafiaState = { ...enterPhase({ ...state, day }, 'night', state.options.nightMs, ctx), kills: {} };
  return step(night, [toAll('night_started', { day, deadline: night.deadline })]);
}

/** The most chosen target dies (ties: lowest seat); with no choice at all nobody dies. */
function endNight(state: MafiaState, ctx: GameContext, events: GameEvent[]): MafiaStep {
  const victim = mostChosen(state.kills);
  const after = bury(
    { ...state, nights: [...state.nights, { day: state.day, choices: state.kills, victim }] },
    victim,
    'killed',
  );
  const withDawn = [...events, toAll('night_ended', { day: state.day, victim })];
  const decided = verdict(after);
  if (decided) return finish(after, decided.winner, decided.reason, withDawn);
  const discussion: MafiaState = { ...enterPhase(after, 'discussion', state.options.discussionMs, ctx), ready: [] };
  return step(discussion, [
    ...withDawn,
    toAll('discussion_started', { day: state.day, deadline: discussion.deadline }),
  ]);
}

function beginVoting(state: MafiaState, ctx: GameContext, events: GameEvent[]): MafiaStep {
  const voting: MafiaState = { ...enterPhase(state, 'voting', state.options.votingMs, ctx), votes: {} };
  return step(voting, [...events, toAll('voting_started', { day: state.day, deadline: voting.deadline })]);
}

/** The most voted seat is executed (ties: lowest seat); missing votes are skipped, and with none nobody dies. */
function endVoting(state: MafiaState, ctx: GameContext, events: GameEvent[]): MafiaStep {
  const executed = mostChosen(state.votes);
  const record = { day: state.day, votes: state.votes, executed };
  const after = bury({ ...state, votings: [...state.votings, record] }, executed, 'executed');
  const withResult = [...events, toAll('voting_resolved', { ...record, tally: tally(state.votes) })];
  const decided = verdict(after);
  if (decided) return finish(after, decided.winner, decided.reason, withResult);
  if (state.day >= state.options.maxDays) return finish(after, 'town', 'days_exhausted', withResult);
  const night = beginNight(after, state.day + 1, ctx);
  return step(night.state, [...withResult, ...night.events]);
}

function bury(state: MafiaState, seat: number | null, cause: 'killed' | 'executed'): MafiaState {
  if (seat === null) return state;
  return {
    ...state,
    alive: state.alive.filter((living) => living !== seat),
    deaths: [...state.deaths, { day: state.day, seat, cause }],
  };
}

/** Checked after every death: no living mafia, or living mafia at least as many as living town. */
function verdict(state: MafiaState): { winner: MafiaRole; reason: MafiaFinishReason } | null {
  const mafia = livingMafia(state).length;
  if (mafia === 0) return { winner: 'town', reason: 'mafia_eliminated' };
  if (mafia >= state.alive.length - mafia) return { winner: 'mafia', reason: 'mafia_parity' };
  return null;
}

function finish(state: MafiaState, winner: MafiaRole, reason: MafiaFinishReason, events: GameEvent[]): MafiaStep {
  const finished: MafiaState = { ...state, phase: 'finished', deadline: null, winner, finishReason: reason };
  const over = toAll('game_finished', { winner, reason, roles: state.roles, nights: state.nights });
  return step(finished, [...events, over]);
}

function tally(choices: Record<number, number>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const target of Object.values(choices)) counts[target] = (counts[target] ?? 0) + 1;
  return counts;
}

/** The most chosen seat, ties to the lowest seat; null when nobody chose. */
function mostChosen(choices: Record<number, number>): number | null {
  let best: { seat: number; count: number } | null = null;
  for (const [seat, count] of Object.entries(tally(choices))) {
    const candidate = { seat: Number(seat), count };
    if (!best || count > best.count || (count === best.count && candidate.seat < best.seat)) best = candidate;
  }
  return best?.seat ?? null;
}
