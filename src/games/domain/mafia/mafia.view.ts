import type { Viewer } from '../engine';
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
  const mafia = role === 'mafia' ? state.seats.map((other) => other.seat).filter((other) => state.roles[other] === 'mafia') : [];
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

const access = (channel: MafiaChatChannel, canRead: boolean, canWrite: boolean): MafiaChatAccess => ({
  channel,
  canRead,
  canWrite: canRead && canWrite,
});

/**
 * Chat gated by phase: at night only the mafia channel is open, to living mafia; by day the living talk
 * in the room; the dead talk only among themselves and stop reading the mafia channel (they learn
 * nothing new). Spectators read the room only.
 */
export function mafiaChatChannels(state: MafiaState, viewer: Viewer): MafiaChatAccess[] {
  const seated = typeof viewer === 'number' && state.seats.some((seat) => seat.seat === viewer);
  if (!seated) return [access('room', true, false), access('mafia', false, false), access('dead', false, false)];
  const inPlay = state.phase === 'night' || state.phase === 'discussion' || state.phase === 'voting';
  const isMafia = state.roles[viewer] === 'mafia';
  if (!inPlay) {
    // Lobby and game over: the room is open to every seat; the side channels keep their history for their members.
    const dead = state.deaths.some((death) => death.seat === viewer);
    return [access('room', true, true), access('mafia', isMafia, false), access('dead', dead, false)];
  }
  if (!state.alive.includes(viewer)) {
    return [access('room', true, false), access('mafia', false, false), access('dead', true, true)];
  }
  return [
    access('room', true, state.phase !== 'night'),
    access('mafia', isMafia, state.phase === 'night'),
    access('dead', false, false),
  ];
}
