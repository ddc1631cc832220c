import type { ChatChannelRule, SeatSet, Viewer } from '../engine';
import { mafiaCount, mafiaPendingSeats } from './mafia.rules';
import type { MafiaState, MafiaView, MafiaYouView } from './mafia.types';

/**
 * Public facts for everyone; a seat adds its own role and choices, a mafia seat its fellows and, while
 * alive at night, their choices. All roles and night choices appear only once the game is over.
 */
export function mafiaView(state: MafiaState, viewer: Viewer): MafiaView {
  const over = state.phase === 'finished';
  const you = typeof viewer === 'number' ? youView(state, viewer) : null;
  const seesNightChoices = state.phase === 'night' && you !== null && you.alive && you.role === 'mafia';
  return {
    game: 'mafia',
    phase: state.phase,
    day: state.day,
    maxDays: state.options.maxDays,
    deadline: state.deadline,
    mafiaCount: mafiaCount(state.seats.length),
    seats: state.seats.map((seat) => ({
      seat: seat.seat,
      name: seat.name,
      kind: seat.kind,
      alive: state.alive.includes(seat.seat),
      ready: state.phase === 'discussion' && state.ready.includes(seat.seat),
      voted: state.phase === 'voting' && seat.seat in state.votes,
    })),
    deaths: state.deaths,
    lastVoting: state.votings.at(-1) ?? null,
    mafiaChoices: seesNightChoices ? state.kills : null,
    you,
    winner: state.winner,
    finishReason: state.finishReason,
    roles: over ? state.roles : null,
    nights: over ? state.nights : null,
  };
}

function youView(state: MafiaState, seat: number): MafiaYouView | null {
  if (!state.seats.some((candidate) => candidate.seat === seat)) return null;
  const role = state.roles[seat] ?? null;
  const mafia =
    role === 'mafia' ? state.seats.map((other) => other.seat).filter((other) => state.roles[other] === 'mafia') : [];
  return {
    seat,
    role,
    alive: state.alive.includes(seat),
    mafia,
    killChoice: state.phase === 'night' ? (state.kills[seat] ?? null) : null,
    ready: state.phase === 'discussion' && state.ready.includes(seat),
    vote: state.phase === 'voting' ? (state.votes[seat] ?? null) : null,
    mustAct: mafiaPendingSeats(state).includes(seat),
  };
}

export type MafiaChatChannel = 'room' | 'mafia' | 'dead';

export interface MafiaChatAccess {
  channel: MafiaChatChannel;
  canRead: boolean;
  canWrite: boolean;
}

/**
 * Mafia's chat channels, gated by phase: at night only the mafia channel is open, to living mafia; by day
 * the living talk in the room; the dead talk only among themselves and stop reading the mafia channel
 * (they learn nothing new). Spectators read the room only. Membership follows the roles: the mafia channel
 * holds every mafia seat, the dead channel the dead, so nobody else is ever in them. Once the game is over
 * the room is open to every seat and the side channels keep their history, read-only, for their members.
 */
export function mafiaChannels(state: MafiaState): Record<MafiaChatChannel, ChatChannelRule> {
  const seats = state.seats.map((seat) => seat.seat);
  const mafia = seats.filter((seat) => state.roles[seat] === 'mafia');
  const dead = seats.filter((seat) => !state.alive.includes(seat));
  const living = (group: number[]) => group.filter((seat) => state.alive.includes(seat));
  const inPlay = state.phase === 'night' || state.phase === 'discussion' || state.phase === 'voting';
  if (!inPlay) {
    return {
      room: { members: 'all', write: 'members', spectators: 'read' },
      mafia: { members: mafia, write: 'none', spectators: 'none' },
      dead: { members: dead, write: 'none', spectators: 'none' },
    };
  }
  const night = state.phase === 'night';
  return {
    room: { members: 'all', write: night ? 'none' : living(seats), spectators: 'read' },
    mafia: { members: mafia, read: living(mafia), write: night ? living(mafia) : 'none', spectators: 'none' },
    dead: { members: dead, write: 'members', spectators: 'none' },
  };
}

const inSet = (set: SeatSet | undefined, seat: number) =>
  set === undefined || set === 'members' || (set !== 'none' && set.includes(seat));

/** What one viewer may do in each channel, as `mafiaChannels` declares it (for clients to show). */
export function mafiaChatChannels(state: MafiaState, viewer: Viewer): MafiaChatAccess[] {
  const seated = typeof viewer === 'number' && state.seats.some((seat) => seat.seat === viewer);
  return Object.entries(mafiaChannels(state)).map(([channel, rule]) => {
    if (!seated) {
      const open = rule.members === 'all' ? rule.spectators : 'none';
      return { channel: channel as MafiaChatChannel, canRead: open !== 'none', canWrite: open === 'write' };
    }
    const member = rule.members === 'all' || rule.members.includes(viewer);
    const canRead = member && inSet(rule.read, viewer);
    return { channel: channel as MafiaChatChannel, canRead, canWrite: canRead && inSet(rule.write, viewer) };
  });
}
