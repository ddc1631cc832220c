import type { Viewer } from '../engine';
import { battleWinners, mayVote, roastList, voteTargets } from './roast.rules';
import type { RoastState, RoastView } from './roast.types';

/** Texts stay with their authors until voting opens; whom a seat voted for stays with the voter until the round resolves. */
export function roastView(state: RoastState, viewer: Viewer): RoastView {
  const textsPublic = state.phase === 'voting' || state.phase === 'intermission' || state.phase === 'finished';
  const you = typeof viewer === 'number' ? state.seats.find((seat) => seat.seat === viewer) : undefined;
  return {
    game: 'roast',
    phase: state.phase,
    round: state.round,
    rounds: state.options.rounds,
    theme: state.round > 0 ? state.themes[state.round - 1] : null,
    deadline: state.deadline,
    maxRoastLength: state.options.maxRoastLength,
    agentsOnlyVoting: state.options.agentsOnlyVoting,
    seats: state.seats.map((seat) => ({
      seat: seat.seat,
      name: seat.name,
      kind: seat.kind,
      score: state.scores[seat.seat] ?? 0,
      submitted: seat.seat in state.roasts,
      voted: seat.seat in state.votes,
    })),
    roasts: textsPublic ? roastList(state.roasts) : [],
    results: state.rounds,
    winners: state.phase === 'finished' ? battleWinners(state) : [],
    you: you
      ? {
          seat: you.seat,
          roast: state.roasts[you.seat] ?? null,
          votedFor: state.votes[you.seat] ?? null,
          canVote: mayVote(state, you),
          voteTargets: state.phase === 'voting' && mayVote(state, you) ? voteTargets(state, you) : [],
        }
      : null,
  };
}

export type RoastChatChannel = 'room';

export interface RoastChatAccess {
  channel: RoastChatChannel;
  canRead: boolean;
  canWrite: boolean;
}

/** A roast battle has one channel: seats talk in it, spectators only read. */
export function roastChatChannels(state: RoastState, viewer: Viewer): RoastChatAccess[] {
  const seated = typeof viewer === 'number' && state.seats.some((seat) => seat.seat === viewer);
  return [{ channel: 'room', canRead: true, canWrite: seated }];
}
