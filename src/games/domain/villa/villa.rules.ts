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
import { anySeat, movesOf, seatNumber, seatRule, type Phases } from '../moves';
import {
  VILLA_ROUND_PHASES,
  type VillaCouple,
  type VillaFinishReason,
  type VillaOptions,
  type VillaPhase,
  type VillaPhaseRecord,
  type VillaRoundPhase,
  type VillaState,
} from './villa.types';

type VillaStep = Transition<VillaState>;

const step = (state: VillaState, events: GameEvent[]) => transition(state, events);

const PHASE_MS: Record<VillaRoundPhase, keyof VillaOptions> = {
  pairing: 'pairingMs',
  challenge: 'challengeMs',
  twist: 'twistMs',
  recouple: 'recoupleMs',
  elimination: 'eliminationMs',
};

/** Phases whose choice names a partner; the other three are votes. */
const COUPLING: ReadonlySet<VillaPhase> = new Set(['pairing', 'recouple']);
/** Votes that may not name the immune seat. */
const SPARES_IMMUNE: ReadonlySet<VillaPhase> = new Set(['twist', 'elimination']);

export const isRoundPhase = (phase: VillaPhase): phase is VillaRoundPhase =>
  (VILLA_ROUND_PHASES as readonly string[]).includes(phase);

/** No roles to deal: every seat enters the villa single, and the first round's pairing opens. */
export function startVilla(seats: readonly SeatInfo[], options: VillaOptions, ctx: GameContext): VillaStep {
  const sorted = [...seats].sort((a, b) => a.seat - b.seat);
  const everyone = sorted.map((seat) => seat.seat);
  const opened: VillaState = {
    game: 'villa',
    phase: 'lobby',
    seats: sorted,
    options,
    alive: everyone,
    round: 0,
    choices: {},
    couples: [],
    immune: null,
    vulnerable: null,
    favour: Object.fromEntries(everyone.map((seat) => [seat, 0])),
    eliminated: [],
    history: [],
    winners: [],
    finishReason: null,
    deadline: null,
    phaseCount: 0,
    gameStartedAt: ctx.now,
  };
  const round = beginRound(opened, 1, ctx);
  return step(round.state, [toAll('villa_opened', { seats: everyone, rounds: options.rounds }), ...round.events]);
}

const move = movesOf<VillaState>();

/** Only seats still in the villa act, in every phase. */
export const villaActors = seatRule<VillaState>(
  (state, seat) => state.alive.includes(seat.seat),
  'DEAD_SEAT',
  'Eliminated seats do not act',
);

const choiceMove = move({
  who: anySeat,
  payload: { seat: seatNumber },
  play: (state, { seat }, by, ctx) => choose(state, by.seat, seat, ctx),
});

/** What seats may do: in each phase one choice of another seat, by its own name. */
export const villaPhases: Phases<VillaState> = {
  pairing: { moves: { pair: choiceMove } },
  challenge: { moves: { challenge: choiceMove } },
  twist: { moves: { twist: choiceMove } },
  recouple: { moves: { recouple: choiceMove } },
  elimination: { moves: { eliminate: choiceMove } },
};

/** The action type of each phase (the one move it declares). */
export const VILLA_MOVE: Record<VillaRoundPhase, string> = {
  pairing: 'pair',
  challenge: 'challenge',
  twist: 'twist',
  recouple: 'recouple',
  elimination: 'eliminate',
};

/** The seats this seat may name now: the other living seats, less the immune seat in the twist and the elimination. */
export function validTargets(state: VillaState, seat: number): number[] {
  if (!isRoundPhase(state.phase) || !state.alive.includes(seat)) return [];
  return state.alive.filter((other) => other !== seat && !(SPARES_IMMUNE.has(state.phase) && other === state.immune));
}

/** Living seats that have not acted in this phase (and have someone to name). */
export function villaPendingSeats(state: VillaState): number[] {
  if (!isRoundPhase(state.phase)) return [];
  return state.alive.filter((seat) => !(seat in state.choices) && validTargets(state, seat).length > 0);
}

export const partnerOf = (couples: readonly VillaCouple[], seat: number): number | null => {
  const couple = couples.find(([a, b]) => a === seat || b === seat);
  if (!couple) return null;
  return couple[0] === seat ? couple[1] : couple[0];
};

function choose(state: VillaState, seat: number, target: number, ctx: GameContext): Outcome<VillaState> {
  if (seat in state.choices) return reject('ALREADY_ACTED', `You already acted in this ${state.phase}`);
  if (target === seat) return reject('SELF_TARGET', 'You cannot name yourself');
  if (!state.alive.includes(target)) return reject('INVALID_TARGET', `Seat ${target} is not in the villa`);
  if (SPARES_IMMUNE.has(state.phase) && target === state.immune) {
    return reject('IMMUNE_TARGET', `Seat ${target} won the challenge and is immune this round`);
  }
  const next: VillaState = { ...state, choices: { ...state.choices, [seat]: target } };
  // Only the fact of acting is public; whom the seat named is published when the phase resolves.
  const events = [toAll('choice_made', { round: state.round, phase: state.phase, seat })];
  return villaPendingSeats(next).length > 0 ? step(next, events) : resolvePhase(next, ctx, events);
}

/** The phase deadline passed: missing choices are filled and the phase resolves. */
export function villaTimeout(state: VillaState, deadlineId: string, ctx: GameContext): Outcome<VillaState> {
  if (state.deadline === null || deadlineId !== state.deadline.id || !isRoundPhase(state.phase)) {
    return reject('STALE_DEADLINE', 'This deadline is no longer current');
  }
  return resolvePhase(state, ctx, []);
}

function enterPhase(state: VillaState, phase: VillaRoundPhase, ctx: GameContext): VillaStep {
  const phaseCount = state.phaseCount + 1;
  const id = `${phase}:${state.round}:${phaseCount}@${state.gameStartedAt}`;
  const deadline = { id, at: ctx.now + state.options[PHASE_MS[phase]] };
  const next: VillaState = { ...state, phase, phaseCount, choices: {}, deadline };
  return step(next, [toAll('phase_started', { round: state.round, phase, deadline })]);
}

/** A new round: last round's immunity and vulnerability lapse, and the pairing opens. */
function beginRound(state: VillaState, round: number, ctx: GameContext): VillaStep {
  return enterPhase({ ...state, round, immune: null, vulnerable: null }, 'pairing', ctx);
}

/** Each missing choice becomes the lowest seat its chooser could have named. */
function fillMissing(state: VillaState): { choices: Record<number, number>; filled: number[] } {
  const filled = villaPendingSeats(state);
  const choices = { ...state.choices };
  for (const seat of filled) choices[seat] = Math.min(...validTargets(state, seat));
  return { choices, filled };
}

function resolvePhase(state: VillaState, ctx: GameContext, events: GameEvent[]): VillaStep {
  const phase = state.phase as VillaRoundPhase;
  // The elimination with no vote at all sends the vulnerable seat home; every other gap is filled.
  const nobodyVoted = phase === 'elimination' && Object.keys(state.choices).length === 0 && state.vulnerable !== null;
  const { choices, filled } = nobodyVoted ? { choices: {}, filled: [] } : fillMissing(state);
  const record: VillaPhaseRecord = { round: state.round, phase, choices, filled };
  let next: VillaState = { ...state, choices };
  if (COUPLING.has(phase)) {
    record.couples = formCouples(choices, state.alive);
    next = { ...next, couples: record.couples };
  } else if (phase === 'challenge') {
    record.seat = mostChosen(choices);
    const favour = { ...state.favour };
    for (const [seat, count] of Object.entries(tally(choices))) favour[Number(seat)] += count;
    next = { ...next, immune: record.seat, favour };
  } else if (phase === 'twist') {
    record.seat = mostChosen(choices);
    next = { ...next, vulnerable: record.seat };
  } else {
    record.seat = nobodyVoted ? state.vulnerable : mostChosen(choices);
    record.by = nobodyVoted ? 'vulnerable' : 'votes';
  }
  next = { ...next, history: [...next.history, record] };
  const resolved = [...events, toAll('phase_resolved', { ...record, tally: tally(choices) })];
  if (phase !== 'elimination') {
    const following = VILLA_ROUND_PHASES[VILLA_ROUND_PHASES.indexOf(phase) + 1];
    const entered = enterPhase(next, following, ctx);
    return step(entered.state, [...resolved, ...entered.events]);
  }
  if (record.seat !== null && record.seat !== undefined) next = eliminate(next, record.seat, record.by ?? 'votes');
  if (next.alive.length <= 2) return finish(next, 'final_couple', next.alive, resolved);
  if (next.round >= next.options.rounds) return finish(next, 'viewers_favourite', [favourite(next)], resolved);
  const round = beginRound(next, next.round + 1, ctx);
  return step(round.state, [...resolved, ...round.events]);
}

function eliminate(state: VillaState, seat: number, by: 'votes' | 'vulnerable'): VillaState {
  return {
    ...state,
    alive: state.alive.filter((other) => other !== seat),
    // The eliminated seat's couple breaks with it.
    couples: state.couples.filter((couple) => !couple.includes(seat)),
    eliminated: [...state.eliminated, { round: state.round, seat, by }],
  };
}

/**
 * Couples from everyone's choice of a partner: first every mutual choice, then, in seat order, each seat
 * still single whose chosen partner is still single too. Seats left over stay single.
 */
export function formCouples(choices: Record<number, number>, alive: readonly number[]): VillaCouple[] {
  const paired = new Set<number>();
  const couples: VillaCouple[] = [];
  const couple = (a: number, b: number) => {
    couples.push(a < b ? [a, b] : [b, a]);
    paired.add(a).add(b);
  };
  for (const seat of alive) {
    const chosen = choices[seat];
    if (chosen !== undefined && !paired.has(seat) && !paired.has(chosen) && choices[chosen] === seat) {
      couple(seat, chosen);
    }
  }
  for (const seat of alive) {
    const chosen = choices[seat];
    if (chosen !== undefined && chosen !== seat && alive.includes(chosen) && !paired.has(seat) && !paired.has(chosen))
      couple(seat, chosen);
  }
  return couples.sort((a, b) => a[0] - b[0]);
}

/** The living seat with the most challenge votes over the game; ties to the lowest seat. */
function favourite(state: VillaState): number {
  return state.alive.reduce((best, seat) => (state.favour[seat] > state.favour[best] ? seat : best));
}

function finish(state: VillaState, reason: VillaFinishReason, winners: number[], events: GameEvent[]): VillaStep {
  const finished: VillaState = {
    ...state,
    phase: 'finished',
    deadline: null,
    choices: {},
    winners,
    finishReason: reason,
  };
  const over = toAll('villa_finished', { reason, winners, favour: state.favour, couples: state.couples });
  return step(finished, [...events, over]);
}

export function tally(choices: Record<number, number>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const target of Object.values(choices)) counts[target] = (counts[target] ?? 0) + 1;
  return counts;
}

/** The most chosen seat, ties to the lowest seat; null when nobody chose. */
export function mostChosen(choices: Record<number, number>): number | null {
  let best: { seat: number; count: number } | null = null;
  for (const [seat, count] of Object.entries(tally(choices))) {
    const candidate = { seat: Number(seat), count };
    if (!best || count > best.count || (count === best.count && candidate.seat < best.seat)) best = candidate;
  }
  return best?.seat ?? null;
}
