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
import type {
  CrewFinishReason,
  CrewMeeting,
  CrewMeetingReason,
  CrewOptions,
  CrewRole,
  CrewState,
  CrewVote,
} from './crew.types';

type CrewStep = Transition<CrewState>;

const step = (state: CrewState, events: GameEvent[]) => transition(state, events);

/** One impostor, two from 8 seats, unless the room asked for a count; always fewer than half the seats, so no game starts won. */
export function impostorCount(seatCount: number, requested: number): number {
  const byDefault = seatCount >= 8 ? 2 : 1;
  return Math.max(1, Math.min(requested === 0 ? byDefault : requested, Math.floor((seatCount - 1) / 2)));
}

function lobbyState(seats: readonly SeatInfo[], options: CrewOptions): CrewState {
  return {
    game: 'crew',
    phase: 'lobby',
    seats: [...seats].sort((a, b) => a.seat - b.seat),
    options,
    roles: {},
    alive: [],
    round: 0,
    tasksDone: {},
    acted: [],
    turnOrder: [],
    emergencyUsed: [],
    meeting: null,
    votes: {},
    meetings: [],
    kills: [],
    deaths: [],
    winner: null,
    finishReason: null,
    deadline: null,
    phaseCount: 0,
    gameStartedAt: 0,
  };
}

/** Deals the roles with the room's random source; each impostor learns the others, each crew seat only its own role. */
export function startGame(seats: readonly SeatInfo[], options: CrewOptions, ctx: GameContext): CrewStep {
  const lobby = lobbyState(seats, options);
  const everyone = lobby.seats.map((seat) => seat.seat);
  const impostors = ctx.random
    .shuffle(everyone)
    .slice(0, impostorCount(everyone.length, options.impostors))
    .sort((a, b) => a - b);
  const crew = everyone.filter((seat) => !impostors.includes(seat));
  const roles: Record<number, CrewRole> = Object.fromEntries(
    everyone.map((seat) => [seat, impostors.includes(seat) ? 'impostor' : 'crew']),
  );
  const tasksDone = Object.fromEntries(crew.map((seat) => [seat, 0]));
  const dealt: CrewState = { ...lobby, roles, alive: everyone, tasksDone, gameStartedAt: ctx.now };
  const tasks = beginTasks(dealt, 1, ctx);
  return step(tasks.state, [
    // Not `game_started`: the room announces the start itself; this is what the deal makes public.
    toAll('roles_dealt', {
      seats: everyone,
      impostorCount: impostors.length,
      tasksPerCrew: options.tasksPerCrew,
    }),
    { type: 'role_assigned', payload: { role: 'impostor', impostors }, audience: impostors },
    ...crew.map((seat): GameEvent => ({
      type: 'role_assigned',
      payload: { role: 'crew', tasks: options.tasksPerCrew },
      audience: [seat],
    })),
    ...tasks.events,
  ]);
}

const move = movesOf<CrewState>();
const roleOf = (state: CrewState, seat: number) => state.roles[seat];
const impostor = hasRole<CrewState>(roleOf, 'impostor', 'Only an impostor kills');

/** Only the living act, in every phase. */
export const crewActors = living<CrewState>((state) => state.alive);

/**
 * What seats may do: in the tasks phase the crew do a task (the impostors pretend to), an impostor may kill,
 * and any living seat may call its one emergency meeting; in a meeting every living seat votes or skips.
 */
export const crewPhases: Phases<CrewState> = {
  tasks: {
    moves: {
      task: move({ who: anySeat, payload: {}, play: (state, _payload, by, ctx) => doTask(state, by.seat, ctx) }),
      kill: move({
        who: impostor,
        payload: { seat: seatNumber },
        play: (state, { seat }, by, ctx) => kill(state, by.seat, seat, ctx),
      }),
      meeting: move({
        who: anySeat,
        payload: {},
        play: (state, _payload, by, ctx) => callEmergency(state, by.seat, ctx),
      }),
    },
  },
  meeting: {
    moves: {
      vote: move({
        who: anySeat,
        payload: { seat: seatNumber },
        play: (state, { seat }, by, ctx) => castVote(state, by.seat, seat, ctx),
      }),
      skip: move({
        who: anySeat,
        payload: {},
        play: (state, _payload, by, ctx) => castVote(state, by.seat, 'skip', ctx),
      }),
    },
  },
};

export const livingImpostors = (state: CrewState): number[] =>
  state.alive.filter((seat) => state.roles[seat] === 'impostor');
export const livingCrew = (state: CrewState): number[] => state.alive.filter((seat) => state.roles[seat] === 'crew');
const tasksLeft = (state: CrewState, seat: number): number => state.options.tasksPerCrew - (state.tasksDone[seat] ?? 0);

/**
 * Who the phase waits for, in this phase's drawn order: in the tasks phase every living seat that has not
 * acted (crew with tasks left, and the impostors); in a meeting every living seat that has not voted. It
 * names the impostors: it is for the runtime and bots, never for a public view.
 */
export function crewPendingSeats(state: CrewState): number[] {
  switch (state.phase) {
    case 'tasks':
      return state.turnOrder.filter(
        (seat) =>
          state.alive.includes(seat) &&
          !state.acted.includes(seat) &&
          (state.roles[seat] === 'impostor' || tasksLeft(state, seat) > 0),
      );
    case 'meeting':
      return state.alive.filter((seat) => !(seat in state.votes));
    default:
      return [];
  }
}

/** A crew seat completes one task (one per tasks phase); an impostor's task is a pretence that completes nothing. */
function doTask(state: CrewState, seat: number, ctx: GameContext): Outcome<CrewState> {
  if (state.acted.includes(seat)) return reject('ALREADY_ACTED', 'You already acted in this tasks phase');
  const crew = state.roles[seat] === 'crew';
  if (crew && tasksLeft(state, seat) === 0) return reject('ALREADY_ACTED', 'You have done all your tasks');
  const acted = [...state.acted, seat].sort((a, b) => a - b);
  const tasksDone = crew ? { ...state.tasksDone, [seat]: state.tasksDone[seat] + 1 } : state.tasksDone;
  const next: CrewState = { ...state, acted, tasksDone };
  // Only the author hears of its task; everyone else sees the crew's total in the view, never who moved it.
  const events: GameEvent[] = crew
    ? [{ type: 'task_done', payload: { round: state.round, done: tasksDone[seat] }, audience: [seat] }]
    : [];
  const decided = verdict(next);
  if (decided) return finish(next, decided.winner, decided.reason, events);
  return crewPendingSeats(next).length > 0 ? step(next, events) : callMeeting(next, 'timer', null, null, ctx, events);
}

function kill(state: CrewState, killer: number, target: number, ctx: GameContext): Outcome<CrewState> {
  if (state.acted.includes(killer)) return reject('ALREADY_ACTED', 'You already acted in this tasks phase');
  if (target === killer) return reject('SELF_TARGET', 'You cannot kill yourself');
  if (!state.alive.includes(target) || state.roles[target] !== 'crew') {
    return reject('INVALID_TARGET', `Seat ${target} is not a living crew seat`);
  }
  const next: CrewState = {
    ...state,
    acted: [...state.acted, killer].sort((a, b) => a - b),
    alive: state.alive.filter((seat) => seat !== target),
    deaths: [...state.deaths, { round: state.round, seat: target, cause: 'killed' }],
    kills: [...state.kills, { round: state.round, killer, victim: target }],
  };
  // The body is found at once; who killed is nobody's business but the killer's until the game is over.
  const events = [toAll('seat_killed', { round: state.round, seat: target })];
  const decided = verdict(next);
  if (decided) return finish(next, decided.winner, decided.reason, events);
  return callMeeting(next, 'body', null, target, ctx, events);
}

function callEmergency(state: CrewState, seat: number, ctx: GameContext): Outcome<CrewState> {
  if (state.emergencyUsed.includes(seat)) return reject('ALREADY_ACTED', 'You already called your emergency meeting');
  const next: CrewState = { ...state, emergencyUsed: [...state.emergencyUsed, seat].sort((a, b) => a - b) };
  return callMeeting(next, 'emergency', seat, null, ctx, []);
}

function castVote(state: CrewState, voter: number, vote: CrewVote, ctx: GameContext): Outcome<CrewState> {
  if (voter in state.votes) return reject('ALREADY_ACTED', 'You already voted in this meeting');
  if (vote === voter) return reject('SELF_TARGET', 'You cannot vote for yourself');
  if (vote !== 'skip' && !state.alive.includes(vote))
    return reject('INVALID_TARGET', `Seat ${vote} is not a living seat`);
  const next: CrewState = { ...state, votes: { ...state.votes, [voter]: vote } };
  // Only the fact of voting is public; whom it was for (or a skip) is published when the meeting resolves.
  const events = [toAll('vote_cast', { round: state.round, seat: voter })];
  return crewPendingSeats(next).length > 0 ? step(next, events) : endMeeting(next, ctx, events);
}

/** The phase deadline passed: the tasks phase calls a meeting (reason: timer); a meeting resolves with the votes it has. */
export function crewTimeout(state: CrewState, deadlineId: string, ctx: GameContext): Outcome<CrewState> {
  if (state.deadline === null || deadlineId !== state.deadline.id) {
    return reject('STALE_DEADLINE', 'This deadline is no longer current');
  }
  switch (state.phase) {
    case 'tasks':
      return callMeeting(state, 'timer', null, null, ctx, []);
    case 'meeting':
      return endMeeting(state, ctx, []);
    default:
      return reject('STALE_DEADLINE', 'This phase has no deadline');
  }
}

function withDeadline(state: CrewState, phase: 'tasks' | 'meeting', durationMs: number, now: number): CrewState {
  const phaseCount = state.phaseCount + 1;
  const id = `${phase}:${state.round}:${phaseCount}@${state.gameStartedAt}`;
  return { ...state, phase, phaseCount, deadline: { id, at: now + durationMs } };
}

function beginTasks(state: CrewState, round: number, ctx: GameContext): CrewStep {
  const tasks: CrewState = {
    ...withDeadline({ ...state, round }, 'tasks', state.options.tasksMs, ctx.now),
    acted: [],
    turnOrder: ctx.random.shuffle(state.alive),
    meeting: null,
    votes: {},
  };
  return step(tasks, [toAll('tasks_started', { round, deadline: tasks.deadline })]);
}

/** A meeting starts at once: its deadline runs from the moment it is called, whatever called it. */
function callMeeting(
  state: CrewState,
  reason: CrewMeetingReason,
  caller: number | null,
  victim: number | null,
  ctx: GameContext,
  events: GameEvent[],
): CrewStep {
  const meeting: CrewMeeting = { round: state.round, reason, caller, victim };
  const called: CrewState = { ...withDeadline(state, 'meeting', state.options.meetingMs, ctx.now), meeting, votes: {} };
  return step(called, [...events, toAll('meeting_called', { ...meeting, deadline: called.deadline })]);
}

/** The most voted seat is ejected only with more votes than any other seat and than the skips; else nobody. */
function endMeeting(state: CrewState, ctx: GameContext, events: GameEvent[]): CrewStep {
  const { tally, skips } = countVotes(state.votes);
  const ejected = ejectedBy(tally, skips);
  const record = { ...(state.meeting as CrewMeeting), votes: state.votes, tally, skips, ejected };
  let after: CrewState = { ...state, meetings: [...state.meetings, record], meeting: null, votes: {} };
  if (ejected !== null) {
    after = {
      ...after,
      alive: after.alive.filter((seat) => seat !== ejected),
      deaths: [...after.deaths, { round: state.round, seat: ejected, cause: 'ejected' }],
    };
  }
  // The ejected seat's role is not told: with two impostors that would give one away before the end.
  const resolved = [...events, toAll('meeting_resolved', { ...record })];
  const decided = verdict(after);
  if (decided) return finish(after, decided.winner, decided.reason, resolved);
  if (state.round >= state.options.maxRounds) return finish(after, 'impostor', 'time_up', resolved);
  const tasks = beginTasks(after, state.round + 1, ctx);
  return step(tasks.state, [...resolved, ...tasks.events]);
}

export function countVotes(votes: Record<number, CrewVote>): { tally: Record<number, number>; skips: number } {
  const tally: Record<number, number> = {};
  let skips = 0;
  for (const vote of Object.values(votes)) {
    if (vote === 'skip') skips += 1;
    else tally[vote] = (tally[vote] ?? 0) + 1;
  }
  return { tally, skips };
}

function ejectedBy(tally: Record<number, number>, skips: number): number | null {
  const counts = Object.entries(tally).map(([seat, count]) => ({ seat: Number(seat), count }));
  const top = Math.max(0, ...counts.map((entry) => entry.count));
  const leaders = counts.filter((entry) => entry.count === top);
  return top > skips && leaders.length === 1 ? leaders[0].seat : null;
}

/** Checked after every change that could decide the game, in this order. */
function verdict(state: CrewState): { winner: CrewRole; reason: CrewFinishReason } | null {
  const impostors = livingImpostors(state).length;
  const crew = livingCrew(state);
  if (impostors === 0) return { winner: 'crew', reason: 'impostors_ejected' };
  if (impostors >= crew.length) return { winner: 'impostor', reason: 'impostor_parity' };
  if (crew.every((seat) => tasksLeft(state, seat) === 0)) return { winner: 'crew', reason: 'tasks_done' };
  return null;
}

function finish(state: CrewState, winner: CrewRole, reason: CrewFinishReason, events: GameEvent[]): CrewStep {
  const finished: CrewState = {
    ...state,
    phase: 'finished',
    deadline: null,
    meeting: null,
    votes: {},
    winner,
    finishReason: reason,
  };
  const over = toAll('game_finished', { winner, reason, roles: state.roles, kills: state.kills });
  return step(finished, [...events, over]);
}
