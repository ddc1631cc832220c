import type {
  VillaCouple,
  VillaDeadline,
  VillaFinishReason,
  VillaPhaseRecord,
  VillaRoundPhase,
} from '../games/domain/villa/villa.types';

export type {
  VillaCouple,
  VillaElimination,
  VillaFinishReason,
  VillaOptions,
  VillaPhase,
  VillaPhaseRecord,
  VillaRoundPhase,
  VillaSeatView,
  VillaView,
  VillaYouView,
} from '../games/domain/villa/villa.types';

/**
 * Villa over the wire (see docs/protocol-rooms.md): `game:action` carries a `VillaAction`, and in a villa
 * room `room:update`'s `view.game` (or `patch.game`) is a `VillaView` and its game events are `VillaGameEvents`.
 */
export type VillaAction =
  | { type: 'pair'; seat: number }
  | { type: 'challenge'; seat: number }
  | { type: 'twist'; seat: number }
  | { type: 'recouple'; seat: number }
  | { type: 'eliminate'; seat: number };

/** The game events a villa room publishes, by type, with their payloads. */
export interface VillaGameEvents {
  villa_opened: { seats: number[]; rounds: number };
  phase_started: { round: number; phase: VillaRoundPhase; deadline: VillaDeadline };
  /** That a seat acted; never whom it named. */
  choice_made: { round: number; phase: VillaRoundPhase; seat: number };
  phase_resolved: VillaPhaseRecord & { tally: Record<number, number> };
  villa_finished: {
    reason: VillaFinishReason;
    winners: number[];
    favour: Record<number, number>;
    couples: VillaCouple[];
  };
}
