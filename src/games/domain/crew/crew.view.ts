import type { ChatChannelRule, SeatSet, Viewer } from '../engine';
import { crewPendingSeats, impostorCount } from './crew.rules';
import type { CrewState, CrewView, CrewYouView } from './crew.types';

/**
 * Public facts for everyone; a seat adds its own role, tasks, vote and, for an impostor, its fellows and its
 * own kills. Nothing in a view depends on another seat's role or on whom another seat voted for before the
 * meeting resolves: the roles and every kill's author appear only once the game is over.
 */
export function crewView(state: CrewState, viewer: Viewer): CrewView {
  const over = state.phase === 'finished';
  const crewSeats = state.seats.length - impostorCount(state.seats.length, state.options.impostors);
  return {
    game: 'crew',
    phase: state.phase,
    round: state.round,
    maxRounds: state.options.maxRounds,
    tasksMs: state.options.tasksMs,
    deadline: state.deadline,
    impostorCount: impostorCount(state.seats.length, state.options.impostors),
    // Summed over every seat (an impostor's count is always 0), so it reads no role.
    taskProgress: {
      done: Object.values(state.tasksDone).reduce((sum, done) => sum + done, 0),
      total: crewSeats * state.options.tasksPerCrew,
    },
    seats: state.seats.map((seat) => ({
      seat: seat.seat,
      name: seat.name,
      kind: seat.kind,
      alive: state.phase === 'lobby' || state.alive.includes(seat.seat),
      voted: state.phase === 'meeting' && seat.seat in state.votes,
      emergencyUsed: state.emergencyUsed.includes(seat.seat),
    })),
    deaths: state.deaths,
    meeting: state.meeting,
    lastMeeting: state.meetings.at(-1) ?? null,
    you: typeof viewer === 'number' ? youView(state, viewer) : null,
    winner: state.winner,
    finishReason: state.finishReason,
    roles: over ? state.roles : null,
    kills: over ? state.kills : null,
  };
}

function youView(state: CrewState, seat: number): CrewYouView | null {
  if (!state.seats.some((candidate) => candidate.seat === seat)) return null;
  const role = state.roles[seat] ?? null;
  const impostors =
    role === 'impostor'
      ? state.seats.map((other) => other.seat).filter((other) => state.roles[other] === 'impostor')
      : [];
  return {
    seat,
    role,
    alive: state.phase === 'lobby' || state.alive.includes(seat),
    impostors,
    tasks: role === 'crew' ? { done: state.tasksDone[seat] ?? 0, total: state.options.tasksPerCrew } : null,
    acted: state.phase === 'tasks' && state.acted.includes(seat),
    emergencyUsed: state.emergencyUsed.includes(seat),
    vote: state.phase === 'meeting' ? (state.votes[seat] ?? null) : null,
    kills: state.kills.filter((kill) => kill.killer === seat).map((kill) => kill.victim),
    mustAct: crewPendingSeats(state).includes(seat),
  };
}

export type CrewChatChannel = 'room' | 'dead';

export interface CrewChatAccess {
  channel: CrewChatChannel;
  canRead: boolean;
  canWrite: boolean;
}

/**
 * Crew's chat channels, gated by phase: the living talk in the room only during a meeting; the dead talk
 * among themselves at any time and never in the room, so the living learn nothing from them. There is no
 * impostors' channel: a living seat talks only in meetings. Spectators read the room only. Outside a game
 * the room is open to every seat, and the dead channel keeps its history, read-only, for its members.
 */
export function crewChannels(state: CrewState): Record<CrewChatChannel, ChatChannelRule> {
  const dead = state.seats.map((seat) => seat.seat).filter((seat) => !state.alive.includes(seat));
  if (state.phase !== 'tasks' && state.phase !== 'meeting') {
    return {
      room: { members: 'all', write: 'members', spectators: 'read' },
      dead: { members: state.phase === 'lobby' ? [] : dead, write: 'none', spectators: 'none' },
    };
  }
  return {
    room: { members: 'all', write: state.phase === 'meeting' ? state.alive : 'none', spectators: 'read' },
    dead: { members: dead, write: 'members', spectators: 'none' },
  };
}

const inSet = (set: SeatSet | undefined, seat: number) =>
  set === undefined || set === 'members' || (set !== 'none' && set.includes(seat));

/** What one viewer may do in each channel, as `crewChannels` declares it (for clients to show). */
export function crewChatChannels(state: CrewState, viewer: Viewer): CrewChatAccess[] {
  const seated = typeof viewer === 'number' && state.seats.some((seat) => seat.seat === viewer);
  return Object.entries(crewChannels(state)).map(([channel, rule]) => {
    if (!seated) {
      const open = rule.members === 'all' ? rule.spectators : 'none';
      return { channel: channel as CrewChatChannel, canRead: open !== 'none', canWrite: open === 'write' };
    }
    const member = rule.members === 'all' || rule.members.includes(viewer);
    const canRead = member && inSet(rule.read, viewer);
    return { channel: channel as CrewChatChannel, canRead, canWrite: canRead && inSet(rule.write, viewer) };
  });
}
