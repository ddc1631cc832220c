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
import { anySeat, movesOf, seatNumber, seatRule, text, type Phases } from '../moves';
import { ROAST_THEMES } from './roast.themes';
import type { RoastDecision, RoastOptions, RoastRoundRecord, RoastState, RoastTextCheck } from './roast.types';

type RoastStep = Transition<RoastState>;
type TimedPhase = 'round' | 'voting' | 'intermission';

const step = (state: RoastState, events: GameEvent[]) => transition(state, events);

export const allowEveryRoast: RoastTextCheck = () => ({ allowed: true });

/** The state a battle starts from: no round, no scores, no deadline. */
function lobbyState(seats: readonly SeatInfo[], options: RoastOptions, phaseCount: number): RoastState {
  return {
    game: 'roast',
    phase: 'lobby',
    seats: [...seats].sort((a, b) => a.seat - b.seat),
    options,
    themes: [],
    round: 0,
    roasts: {},
    votes: {},
    scores: Object.fromEntries(seats.map((seat) => [seat.seat, 0])),
    rounds: [],
    deadline: null,
    phaseCount,
    battleStartedAt: 0,
  };
}

export function startBattle(seats: readonly SeatInfo[], options: RoastOptions, ctx: GameContext): RoastStep {
  const lobby = lobbyState(seats, options, 0);
  const drawn: RoastState = {
    ...lobby,
    themes: ctx.random.shuffle(ROAST_THEMES).slice(0, options.rounds),
    battleStartedAt: ctx.now,
  };
  const first = beginRound(drawn, 1, ctx);
  const started = toAll('battle_started', { seats: lobby.seats.map((seat) => seat.seat), rounds: options.rounds });
  return step(first.state, [started, ...first.events]);
}

const move = movesOf<RoastState>();
const voter = seatRule<RoastState>(
  (state, seat) => mayVote(state, seat),
  'ROLE_FORBIDDEN',
  'Only agents vote in this room',
);

/**
 * What seats may do in a battle: write a roast during the round, vote during the voting (only agents, when
 * the room says so); nothing in the intermission. The content policy judges each roast as `checkText`.
 */
export function roastPhases(checkText: RoastTextCheck): Phases<RoastState> {
  return {
    round: {
      moves: {
        roast: move({
          who: anySeat,
          payload: { text },
          play: (state, { text }, author, ctx) => submitRoast(state, author, text, ctx, checkText),
        }),
      },
    },
    voting: {
      moves: {
        vote: move({
          who: voter,
          payload: { seat: seatNumber },
          play: (state, { seat }, by, ctx) => castVote(state, by, seat, ctx),
        }),
      },
    },
    intermission: { moves: {} },
  };
}

/** Seats still expected to write (round) or to vote (voting); nobody in other phases. */
export function roastPendingSeats(state: RoastState): number[] {
  if (state.phase === 'round') return pendingRoasters(state);
  if (state.phase === 'voting') return pendingVoters(state);
  return [];
}

export function mayVote(state: RoastState, voter: SeatInfo): boolean {
  return !state.options.agentsOnlyVoting || voter.kind === 'agent';
}

/** Roasts this voter may vote for: any other roast whose seat is not held for the voter's own owner. */
export function voteTargets(state: RoastState, voter: SeatInfo): number[] {
  return state.seats
    .filter((seat) => seat.seat in state.roasts && seat.seat !== voter.seat && seat.ownerId !== voter.ownerId)
    .map((seat) => seat.seat);
}

/** The top score wins, ties share; a battle in which nobody ever won a round has no winner. */
export function battleWinners(state: RoastState): number[] {
  const top = Math.max(0, ...Object.values(state.scores));
  if (top === 0) return [];
  return state.seats.filter((seat) => state.scores[seat.seat] === top).map((seat) => seat.seat);
}

/** The seats' names (as the room shows them), in the order given. */
export function seatNames(state: RoastState, seats: readonly number[]): string[] {
  return seats.map((seat) => state.seats.find((candidate) => candidate.seat === seat)?.name ?? `Seat ${seat}`);
}

export function roastList(roasts: Record<number, string>): { seat: number; text: string }[] {
  return Object.entries(roasts)
    .map(([seat, text]) => ({ seat: Number(seat), text }))
    .sort((a, b) => a.seat - b.seat);
}

function pendingRoasters(state: RoastState): number[] {
  return state.seats.filter((seat) => !(seat.seat in state.roasts)).map((seat) => seat.seat);
}

/** A seat that may not vote, or has nothing it may vote for, is not waited for. */
function pendingVoters(state: RoastState): number[] {
  return state.seats
    .filter((seat) => !(seat.seat in state.votes) && mayVote(state, seat) && voteTargets(state, seat).length > 0)
    .map((seat) => seat.seat);
}

function submitRoast(
  state: RoastState,
  author: SeatInfo,
  text: string,
  ctx: GameContext,
  checkText: RoastTextCheck,
): Outcome<RoastState> {
  if (author.seat in state.roasts) return reject('ALREADY_ACTED', 'You already roasted this round');
  const roast = text.trim();
  const limit = state.options.maxRoastLength;
  if ([...roast].length > limit) return reject('TEXT_TOO_LONG', `A roast has at most ${limit} characters`);
  const verdict = checkText(roast);
  if (!verdict.allowed)
    return reject(verdict.code ?? 'CONTENT_BLOCKED', 'The content policy blocked this roast; rewrite it');

  const next: RoastState = { ...state, roasts: { ...state.roasts, [author.seat]: roast } };
  const events = [toAll('roast_submitted', { round: state.round, seat: author.seat })];
  return pendingRoasters(next).length > 0 ? step(next, events) : openVoting(next, ctx, events);
}

function castVote(state: RoastState, voter: SeatInfo, target: number, ctx: GameContext): Outcome<RoastState> {
  if (voter.seat in state.votes) return reject('ALREADY_ACTED', 'You already voted this round');
  if (target === voter.seat) return reject('SELF_TARGET', 'You cannot vote for your own roast');
  const roasted = state.seats.find((seat) => seat.seat === target && seat.seat in state.roasts);
  if (!roasted) return reject('INVALID_TARGET', `Seat ${target} has no roast this round`);
  if (roasted.ownerId === voter.ownerId) return reject('SAME_OWNER', 'You cannot vote for a seat of your own owner');

  const next: RoastState = { ...state, votes: { ...state.votes, [voter.seat]: target } };
  // Only the fact of voting is public; whom it was for is published when the round resolves.
  const events = [toAll('vote_cast', { round: state.round, seat: voter.seat })];
  return pendingVoters(next).length > 0 ? step(next, events) : resolveRound(next, ctx, events);
}

/** The phase deadline passed: voting opens, the round resolves, or the next round begins. */
export function roastTimeout(state: RoastState, deadlineId: string, ctx: GameContext): Outcome<RoastState> {
  if (state.deadline === null || deadlineId !== state.deadline.id) {
    return reject('STALE_DEADLINE', 'This deadline is no longer current');
  }
  switch (state.phase) {
    case 'round':
      return openVoting(state, ctx, []);
    case 'voting':
      return resolveRound(state, ctx, []);
    case 'intermission':
      return beginRound(state, state.round + 1, ctx);
    default:
      return reject('STALE_DEADLINE', 'This phase has no deadline');
  }
}

function enterPhase(
  state: RoastState,
  phase: TimedPhase,
  round: number,
  durationMs: number,
  ctx: GameContext,
): RoastState {
  const phaseCount = state.phaseCount + 1;
  const id = `${phase}:${round}:${phaseCount}@${state.battleStartedAt}`;
  return { ...state, phase, round, phaseCount, deadline: { id, at: ctx.now + durationMs } };
}

function beginRound(state: RoastState, round: number, ctx: GameContext): RoastStep {
  const next: RoastState = { ...enterPhase(state, 'round', round, state.options.roundMs, ctx), roasts: {}, votes: {} };
  return step(next, [toAll('round_started', { round, theme: next.themes[round - 1], deadline: next.deadline })]);
}

/** Seats that did not write in time are skipped; with no roast at all there is nothing to vote on. */
function openVoting(state: RoastState, ctx: GameContext, events: GameEvent[]): RoastStep {
  if (Object.keys(state.roasts).length === 0) return resolveRound(state, ctx, events);
  const voting = enterPhase(state, 'voting', state.round, state.options.votingMs, ctx);
  const opened = toAll('voting_started', {
    round: state.round,
    roasts: roastList(state.roasts),
    skipped: pendingRoasters(state),
    deadline: voting.deadline,
  });
  const withOpened = [...events, opened];
  return pendingVoters(voting).length > 0 ? step(voting, withOpened) : resolveRound(voting, ctx, withOpened);
}

function resolveRound(state: RoastState, ctx: GameContext, events: GameEvent[]): RoastStep {
  const submitters = roastList(state.roasts).map((roast) => roast.seat);
  const byVotes = mostVoted(state.votes);
  let winner: number | null = byVotes;
  let decidedBy: RoastDecision = 'votes';
  if (byVotes === null) {
    winner = submitters.length > 0 ? submitters[ctx.random.int(submitters.length)] : null;
    decidedBy = submitters.length > 0 ? 'draw' : 'none';
  }
  const record: RoastRoundRecord = {
    round: state.round,
    theme: state.themes[state.round - 1],
    roasts: state.roasts,
    votes: state.votes,
    winner,
    decidedBy,
  };
  const scores = winner === null ? state.scores : { ...state.scores, [winner]: (state.scores[winner] ?? 0) + 1 };
  const resolved: RoastState = { ...state, scores, rounds: [...state.rounds, record] };
  const winnerName = winner === null ? null : seatNames(state, [winner])[0];
  const withResult = [...events, toAll('round_resolved', { ...record, winnerName, tally: tally(state.votes), scores })];

  if (state.round >= state.options.rounds) {
    const finished: RoastState = { ...resolved, phase: 'finished', deadline: null };
    const winners = battleWinners(finished);
    return step(finished, [
      ...withResult,
      toAll('battle_finished', { winners, winnerNames: seatNames(finished, winners), scores }),
    ]);
  }
  const pause = enterPhase(resolved, 'intermission', state.round, state.options.intermissionMs, ctx);
  return step(pause, [...withResult, toAll('intermission_started', { round: state.round, deadline: pause.deadline })]);
}

function tally(votes: Record<number, number>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const target of Object.values(votes)) counts[target] = (counts[target] ?? 0) + 1;
  return counts;
}

/** The seat with the most votes, ties to the lowest seat; null when nobody voted. */
function mostVoted(votes: Record<number, number>): number | null {
  let best: { seat: number; count: number } | null = null;
  for (const [seat, count] of Object.entries(tally(votes))) {
    const candidate = { seat: Number(seat), count };
    if (!best || count > best.count || (count === best.count && candidate.seat < best.seat)) best = candidate;
  }
  return best?.seat ?? null;
}
