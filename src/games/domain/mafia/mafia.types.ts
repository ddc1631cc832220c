import type { SeatInfo } from '../engine';

export type MafiaRole = 'mafia' | 'town';
export type MafiaPhase = 'lobby' | 'night' | 'discussion' | 'voting' | 'finished';

export interface MafiaOptions {
  nightMs: number;
  discussionMs: number;
  votingMs: number;
  /** After this many days (night, discussion, voting) without a winner, town wins. */
  maxDays: number;
}

export interface MafiaDeath {
  day: number;
  seat: number;
  cause: 'killed' | 'executed';
}

/** A night's kill choices (mafia seat -> target): hidden until the game is over. */
export interface MafiaNightRecord {
  day: number;
  choices: Record<number, number>;
  victim: number | null;
}

/** A day's votes (voter -> voted seat): public once the voting resolves. */
export interface MafiaVotingRecord {
  day: number;
  votes: Record<number, number>;
  executed: number | null;
}

export type MafiaFinishReason = 'mafia_eliminated' | 'mafia_parity' | 'days_exhausted';

export interface MafiaDeadline {
  id: string;
  at: number;
}

/** Stored as a JSON snapshot by the runtime, so plain objects and arrays only. */
export interface MafiaState {
  game: 'mafia';
  phase: MafiaPhase;
  seats: SeatInfo[];
  options: MafiaOptions;
  /** Empty in the lobby. */
  roles: Record<number, MafiaRole>;
  /** Living seats, ascending. */
  alive: number[];
  /** 0 in the lobby; a day is one night, its discussion and its voting. */
  day: number;
  /** Tonight's choices, mafia seat -> target. */
  kills: Record<number, number>;
  /** Seats ready in today's discussion. */
  ready: number[];
  /** Today's votes, voter -> voted seat. */
  votes: Record<number, number>;
  deaths: MafiaDeath[];
  nights: MafiaNightRecord[];
  votings: MafiaVotingRecord[];
  winner: MafiaRole | null;
  finishReason: MafiaFinishReason | null;
  deadline: MafiaDeadline | null;
  /** Counts phase changes, so every deadline gets a fresh id and an old timeout can never match. */
  phaseCount: number;
  /** Part of every deadline id, so a game started after a reset never reuses an old game's ids. */
  gameStartedAt: number;
}

export type MafiaSeatView = {
  seat: number;
  name: string;
  kind: SeatInfo['kind'];
  alive: boolean;
  /** Public only during discussion. */
  ready: boolean;
  /** Public only during voting: that the seat voted, not whom for. */
  voted: boolean;
};

export type MafiaYouView = {
  seat: number;
  role: MafiaRole | null;
  alive: boolean;
  /** For a mafia seat: every mafia seat, itself included; empty for town. */
  mafia: number[];
  killChoice: number | null;
  ready: boolean;
  vote: number | null;
  /** Whether the game waits for this seat in the current phase. */
  mustAct: boolean;
};

export type MafiaView = {
  game: 'mafia';
  phase: MafiaPhase;
  day: number;
  maxDays: number;
  deadline: MafiaDeadline | null;
  mafiaCount: number;
  seats: MafiaSeatView[];
  deaths: MafiaDeath[];
  /** The latest resolved voting, with who voted for whom. */
  lastVoting: MafiaVotingRecord | null;
  /** Tonight's kill choices, shown only to living mafia during the night. */
  mafiaChoices: Record<number, number> | null;
  you: MafiaYouView | null;
  winner: MafiaRole | null;
  finishReason: MafiaFinishReason | null;
  /** Every seat's role and every night's choices, only once the game is over. */
  roles: Record<number, MafiaRole> | null;
  nights: MafiaNightRecord[] | null;
};
