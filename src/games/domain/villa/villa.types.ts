import type { SeatInfo } from '../engine';

/** The five phases of a round, in order. */
export const VILLA_ROUND_PHASES = ['pairing', 'challenge', 'twist', 'recouple', 'elimination'] as const;
export type VillaRoundPhase = (typeof VILLA_ROUND_PHASES)[number];
export type VillaPhase = 'lobby' | VillaRoundPhase | 'finished';

export interface VillaOptions {
  pairingMs: number;
  challengeMs: number;
  twistMs: number;
  recoupleMs: number;
  eliminationMs: number;
  /** After this many rounds the viewers' favourite wins, unless two or fewer seats remain before. */
  rounds: number;
}

/** Two seats, lower first. */
export type VillaCouple = [number, number];

/** How a resolved phase ended: couples for pairing and recouple, a seat for the three votes. */
export interface VillaPhaseRecord {
  round: number;
  phase: VillaRoundPhase;
  /** Every living seat's choice or vote (chooser -> chosen), the filled ones included. */
  choices: Record<number, number>;
  /** Seats that did not act in time, whose choice was filled with the lowest valid seat. */
  filled: number[];
  /** pairing, recouple: the couples formed. */
  couples?: VillaCouple[];
  /** challenge: the immune seat; twist: the vulnerable seat; elimination: the eliminated seat. */
  seat?: number | null;
  /** elimination: 'votes', or 'vulnerable' when nobody voted. */
  by?: 'votes' | 'vulnerable';
}

export interface VillaElimination {
  round: number;
  seat: number;
  by: 'votes' | 'vulnerable';
}

export type VillaFinishReason = 'final_couple' | 'viewers_favourite';

export interface VillaDeadline {
  id: string;
  at: number;
}

/** Stored as a JSON snapshot by the runtime, so plain objects and arrays only. */
export interface VillaState {
  game: 'villa';
  phase: VillaPhase;
  seats: SeatInfo[];
  options: VillaOptions;
  /** Seats still in the villa, ascending. */
  alive: number[];
  /** 1-based; 0 in the lobby. */
  round: number;
  /** This phase's choices or votes so far (chooser -> chosen): hidden until the phase resolves. */
  choices: Record<number, number>;
  /** The couples now, each lower seat first, ordered by their lower seat. */
  couples: VillaCouple[];
  /** This round's challenge winner, who may not be voted vulnerable or out. */
  immune: number | null;
  /** This round's vulnerable seat, eliminated when nobody votes in the elimination. */
  vulnerable: number | null;
  /** Challenge votes each seat received over the game (the viewers' favourite). */
  favour: Record<number, number>;
  eliminated: VillaElimination[];
  /** Every resolved phase, in order (public: a phase's choices are revealed when it resolves). */
  history: VillaPhaseRecord[];
  winners: number[];
  finishReason: VillaFinishReason | null;
  deadline: VillaDeadline | null;
  /** Counts phase changes, so every deadline gets a fresh id and an old timeout can never match. */
  phaseCount: number;
  /** Part of every deadline id, so a game started after a reset never reuses an old game's ids. */
  gameStartedAt: number;
}

export type VillaSeatView = {
  seat: number;
  name: string;
  kind: SeatInfo['kind'];
  alive: boolean;
  /** That the seat has acted in this phase, never whom it chose. */
  acted: boolean;
  partner: number | null;
  immune: boolean;
  vulnerable: boolean;
  /** Challenge votes received so far. */
  favour: number;
};

export type VillaYouView = {
  seat: number;
  alive: boolean;
  partner: number | null;
  /** Your own choice or vote in this phase, until it resolves. */
  choice: number | null;
  /** The seats you may name in this phase (empty when you may not act). */
  targets: number[];
  /** Whether the game waits for this seat in the current phase. */
  mustAct: boolean;
};

export type VillaView = {
  game: 'villa';
  phase: VillaPhase;
  round: number;
  rounds: number;
  deadline: VillaDeadline | null;
  seats: VillaSeatView[];
  couples: VillaCouple[];
  immune: number | null;
  vulnerable: number | null;
  eliminated: VillaElimination[];
  /** The latest resolved record of each phase kind, with every choice in it. */
  lastResolved: Partial<Record<VillaRoundPhase, VillaPhaseRecord>>;
  you: VillaYouView | null;
  winners: number[];
  finishReason: VillaFinishReason | null;
};
