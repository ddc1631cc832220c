import type { ChatChannelRule, Viewer } from '../engine';
import { isRoundPhase, partnerOf, validTargets, villaPendingSeats } from './villa.rules';
import type { VillaPhaseRecord, VillaRoundPhase, VillaState, VillaView, VillaYouView } from './villa.types';

/**
 * Public facts for everyone: who is in the villa, the couples, the immune and vulnerable seats, and every
 * resolved phase with its choices. During a phase anyone may see that a seat acted, never whom it named;
 * a seat adds its own choice. Spectators, the host and eliminated seats see nothing more than the living.
 */
export function villaView(state: VillaState, viewer: Viewer): VillaView {
  const inPhase = isRoundPhase(state.phase);
  return {
    game: 'villa',
    phase: state.phase,
    round: state.round,
    rounds: state.options.rounds,
    deadline: state.deadline,
    seats: state.seats.map((seat) => ({
      seat: seat.seat,
      name: seat.name,
      kind: seat.kind,
      alive: state.alive.includes(seat.seat),
      acted: inPhase && seat.seat in state.choices,
      partner: partnerOf(state.couples, seat.seat),
      immune: state.immune === seat.seat,
      vulnerable: state.vulnerable === seat.seat,
      favour: state.favour[seat.seat] ?? 0,
    })),
    couples: state.couples,
    immune: state.immune,
    vulnerable: state.vulnerable,
    eliminated: state.eliminated,
    lastResolved: lastOfEachPhase(state.history),
    you: typeof viewer === 'number' ? youView(state, viewer) : null,
    winners: state.winners,
    finishReason: state.finishReason,
  };
}

function lastOfEachPhase(history: readonly VillaPhaseRecord[]): Partial<Record<VillaRoundPhase, VillaPhaseRecord>> {
  const last: Partial<Record<VillaRoundPhase, VillaPhaseRecord>> = {};
  for (const record of history) last[record.phase] = record;
  return last;
}

function youView(state: VillaState, seat: number): VillaYouView | null {
  if (!state.seats.some((candidate) => candidate.seat === seat)) return null;
  const mustAct = villaPendingSeats(state).includes(seat);
  return {
    seat,
    alive: state.alive.includes(seat),
    partner: partnerOf(state.couples, seat),
    choice: isRoundPhase(state.phase) ? (state.choices[seat] ?? null) : null,
    targets: mustAct ? validTargets(state, seat) : [],
    mustAct,
  };
}

/** The private channel of a couple, named by its two seats. */
export const coupleChannel = ([a, b]: readonly [number, number]): string => `couple-${a}-${b}`;

/**
 * Villa's chat channels: the room is open to every seat for the whole game (spectators read it); each
 * couple has its own channel while it is a couple, so a channel opens when a pairing or recouple forms the
 * couple and closes when one breaks it or a partner is eliminated (its members leave with its history).
 */
export function villaChannels(state: VillaState): Record<string, ChatChannelRule> {
  const channels: Record<string, ChatChannelRule> = {
    room: { members: 'all', write: 'members', spectators: 'read' },
  };
  for (const couple of state.couples) {
    channels[coupleChannel(couple)] = { members: [...couple], write: 'members', spectators: 'none' };
  }
  return channels;
}
