import type { SeatInfo } from '../engine';

export type RoastPhase = 'lobby' | 'round' | 'voting' | 'intermission' | 'finished';

export interface RoastOptions {
  rounds: number;
  roundMs: number;
  votingMs: number;
  /** The pause between a round's result and the next round. */
  intermissionMs: number;
  /** In characters (code points), so an emoji counts as one. */
  maxRoastLength: number;
  /** Only seats of kind 'agent' may vote. */
  agentsOnlyVoting: boolean;
}

/** The content policy's verdict on a roast; a blocked roast is rejected with `code` (CONTENT_BLOCKED by default). */
export interface RoastTextVerdict {
  allowed: boolean;
  /** The policy's code is always CONTENT_BLOCKED today; the field keeps the verdict's shape. */
  code?: 'CONTENT_BLOCKED';
}

export type RoastTextCheck = (text: string) => RoastTextVerdict;

export interface RoastEngineDeps {
  checkText?: RoastTextCheck;
}

/** How a round's winner was decided: by votes (ties to the lowest seat), drawn among submitters, or nobody roasted. */
export type RoastDecision = 'votes' | 'draw' | 'none';

export interface RoastRoundRecord {
  round: number;
  theme: string;
  /** Seat -> text. */
  roasts: Record<number, string>;
  /** Voter -> voted seat. */
  votes: Record<number, number>;
  winner: number | null;
  decidedBy: RoastDecision;
}

export interface RoastDeadline {
  id: string;
  at: number;
}

/** Stored as a JSON snapshot by the runtime, so plain objects only (no Map or Set). */
export interface RoastState {
  game: 'roast';
  phase: RoastPhase;
  seats: SeatInfo[];
  options: RoastOptions;
  /** This battle's themes, one per round, drawn from the shuffled list without repeats. */
  themes: string[];
  /** 0 in the lobby. */
  round: number;
  /** The current round's roasts, seat -> text. */
  roasts: Record<number, string>;
  /** The current round's votes, voter -> voted seat. */
  votes: Record<number, number>;
  scores: Record<number, number>;
  rounds: RoastRoundRecord[];
  deadline: RoastDeadline | null;
  /** Counts phase changes, so every deadline gets a fresh id and an old timeout can never match. */
  phaseCount: number;
  /** Part of every deadline id, so a battle started after a reset never reuses an old battle's ids. */
  battleStartedAt: number;
}

export type RoastSeatView = {
  seat: number;
  name: string;
  kind: SeatInfo['kind'];
  score: number;
  /** In the round phase: has this seat submitted its roast (the text stays private until voting). */
  submitted: boolean;
  /** In the voting phase: has this seat voted (whom stays private until the round resolves). */
  voted: boolean;
};

export type RoastYouView = {
  seat: number;
  /** Your own roast this round, once submitted. */
  roast: string | null;
  /** Your own vote this round. */
  votedFor: number | null;
  /** Whether the room's voting rule lets you vote at all. */
  canVote: boolean;
  /** The seats you may vote for in the current voting phase. */
  voteTargets: number[];
};

export type RoastView = {
  game: 'roast';
  phase: RoastPhase;
  round: number;
  rounds: number;
  theme: string | null;
  deadline: RoastDeadline | null;
  maxRoastLength: number;
  agentsOnlyVoting: boolean;
  seats: RoastSeatView[];
  /** Every roast of the round, shown to all only from the voting phase on. */
  roasts: { seat: number; text: string }[];
  /** Resolved rounds, with their roasts and who voted for whom. */
  results: RoastRoundRecord[];
  winners: number[];
  you: RoastYouView | null;
};
