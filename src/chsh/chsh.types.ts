import type {
  AnsweredRound,
  AssignmentState,
  ChshItem,
  ChshMode,
  ChshStatistics,
  ItemPair,
} from '../games/domain/chsh/chsh.types';

export type ChshStatus = 'setup' | 'running' | 'paused';

export interface ChshSessionRow {
  sessionId: string;
  hostUserId: string;
  seed: number;
  mode: ChshMode;
  status: ChshStatus;
}

export interface ChshRoundRow {
  teamId: string;
  round: number;
  items: ItemPair;
  answers: [boolean | null, boolean | null];
  assignment: AssignmentState;
  openedAt: Date;
  closedAt: Date | null;
}

/** What a player sees of its session: its own item only, never its partner's. */
export interface ChshPlayerView {
  sessionId: string;
  status: ChshStatus;
  mode: ChshMode;
  teamId: string | null;
  slot: 1 | 2 | null;
  /** The open round, while the session runs and the team is full; null otherwise. */
  round: { round: number; item: ChshItem; answered: boolean } | null;
}

/** `chsh:round`: a round opened for your team; `item` is yours. */
export interface ChshRoundOpened {
  sessionId: string;
  teamId: string;
  round: number;
  item: ChshItem;
}

/** `chsh:result`: both partners answered; each sees the whole round now. */
export interface ChshRoundResult {
  sessionId: string;
  teamId: string;
  round: number;
  items: ItemPair;
  answers: [boolean, boolean];
  success: boolean;
}

export interface ChshAnswered {
  sessionId: string;
  teamId: string;
  round: number;
  item: ChshItem;
  answer: boolean;
  /** Whether this answer closed the round (the partner had answered): then `chsh:result` follows. */
  closed: boolean;
}

export interface ChshStatusChanged {
  sessionId: string;
  status: ChshStatus;
  mode: ChshMode;
}

export interface ChshTeamReport {
  teamId: string;
  name: string;
  active: boolean;
  full: boolean;
  /** The open round's number, or null. */
  round: number | null;
  statistics: ChshStatistics;
}

/** The host's dashboard and the REST report: every team's statistics and the session's pooled ones. */
export interface ChshReport {
  sessionId: string;
  status: ChshStatus;
  mode: ChshMode;
  teams: ChshTeamReport[];
  pooled: ChshStatistics;
  at: string;
}

export type { AnsweredRound };
