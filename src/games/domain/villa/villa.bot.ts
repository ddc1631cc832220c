import type { BotMemory, GameAction, GameContext } from '../engine';
import { VILLA_MOVE } from './villa.rules';
import type { VillaPhaseRecord, VillaView, VillaYouView } from './villa.types';

/** What a villa bot keeps of a round: who chose it as a partner, and who voted it vulnerable or out. */
export type VillaBotMemoryEntry = {
  round: number;
  choseMe: number[];
  against: number[];
};

function isVillaView(view: Record<string, unknown>): view is VillaView {
  return view.game === 'villa' && typeof view.phase === 'string' && Array.isArray(view.seats);
}

/**
 * A bot that plays to stay in and end in the final couple: it keeps a partner who chose it (or courts one
 * who did), backs its partner in the challenge, and votes against the seats that voted against it;
 * without a grudge it votes the vulnerable seat out, so the bots agree. Never against its own partner
 * while it has anyone else to name.
 */
export function villaBotAction(
  view: Record<string, unknown>,
  seat: number,
  memory: BotMemory,
  ctx: GameContext,
): GameAction | null {
  if (!isVillaView(view) || view.you === null || view.you.seat !== seat || !view.you.mustAct) return null;
  const you = view.you;
  if (you.targets.length === 0) return null;
  const { phase } = view;
  if (phase === 'lobby' || phase === 'finished') return null;
  const type = VILLA_MOVE[phase];
  switch (phase) {
    case 'pairing':
    case 'recouple':
      return { type, seat: choosePartner(view, you, memory, ctx) };
    case 'challenge':
      return {
        type,
        seat: you.partner !== null && you.targets.includes(you.partner) ? you.partner : pick(you.targets, ctx),
      };
    default:
      return { type, seat: chooseAccused(view, you, memory, ctx) };
  }
}

export function villaBotMemoryEntry(view: Record<string, unknown>, seat: number): VillaBotMemoryEntry | null {
  if (!isVillaView(view) || view.round === 0) return null;
  return { round: view.round, choseMe: choseMe(view, seat), against: against(view, seat) };
}

const namedMe = (record: VillaPhaseRecord | undefined, seat: number): number[] =>
  record
    ? Object.entries(record.choices)
        .filter(([, chosen]) => chosen === seat)
        .map(([chooser]) => Number(chooser))
    : [];

/** Seats whose latest partner choice named this seat. */
function choseMe(view: VillaView, seat: number): number[] {
  const { pairing, recouple } = view.lastResolved;
  const latest = [pairing, recouple]
    .filter((record): record is VillaPhaseRecord => record !== undefined)
    .sort((a, b) => a.round - b.round || (a.phase === 'recouple' ? 1 : -1))
    .at(-1);
  return namedMe(latest, seat);
}

/** Seats whose latest twist or elimination vote named this seat. */
function against(view: VillaView, seat: number): number[] {
  return [...namedMe(view.lastResolved.twist, seat), ...namedMe(view.lastResolved.elimination, seat)];
}

const readSeats = (value: unknown): number[] =>
  Array.isArray(value) ? value.filter((seat): seat is number => typeof seat === 'number') : [];

function choosePartner(view: VillaView, you: VillaYouView, memory: BotMemory, ctx: GameContext): number {
  const suitors = choseMe(view, you.seat).filter((seat) => you.targets.includes(seat));
  if (you.partner !== null && suitors.includes(you.partner)) return you.partner;
  if (suitors.length > 0) return pick(suitors, ctx);
  const remembered = memory.flatMap((entry) => readSeats(entry.choseMe)).filter((seat) => you.targets.includes(seat));
  if (remembered.length > 0) return pick(remembered, ctx);
  if (you.partner !== null && you.targets.includes(you.partner)) return you.partner;
  const singles = you.targets.filter((seat) => view.seats.find((other) => other.seat === seat)?.partner === null);
  return pick(singles.length > 0 ? singles : you.targets, ctx);
}

function chooseAccused(view: VillaView, you: VillaYouView, memory: BotMemory, ctx: GameContext): number {
  const notPartner = you.targets.filter((seat) => seat !== you.partner);
  const candidates = notPartner.length > 0 ? notPartner : you.targets;
  const grudges = new Map<number, number>();
  for (const seat of [...against(view, you.seat), ...memory.flatMap((entry) => readSeats(entry.against))]) {
    if (candidates.includes(seat)) grudges.set(seat, (grudges.get(seat) ?? 0) + 1);
  }
  if (grudges.size > 0) {
    const most = Math.max(...grudges.values());
    return pick(
      [...grudges].filter(([, count]) => count === most).map(([seat]) => seat),
      ctx,
    );
  }
  if (view.phase === 'elimination' && view.vulnerable !== null && candidates.includes(view.vulnerable)) {
    return view.vulnerable;
  }
  return pick(candidates, ctx);
}

/** One of equals, drawn from the room's source so bots do not all pile on the lowest seat. */
const pick = (seats: readonly number[], ctx: GameContext): number => seats[ctx.random.int(seats.length)];
