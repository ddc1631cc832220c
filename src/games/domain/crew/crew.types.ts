import type { SeatInfo } from '../engine';

export type CrewRole = 'impostor' | 'crew';
export type CrewPhase = 'lobby' | 'tasks' | 'meeting' | 'finished';
/** Why a meeting was called: a kill (the body is reported at once), a seat's emergency button, or the task timer. */
export type CrewMeetingReason = 'body' | 'emergency' | 'timer';
export type CrewFinishReason = 'impostors_ejected' | 'tasks_done' | 'impostor_parity' | 'time_up';
/** A meeting vote: a living seat, or `skip`. */
export type CrewVote = number | 'skip';

export interface CrewOptions {
  tasksMs: number;
  meetingMs: number;
  /** Tasks each crew seat must complete, one per tasks phase at most. */
  tasksPerCrew: number;
  /** 0: one impostor, two from 8 seats; otherwise this many, at most fewer than half the seats. */
  impostors: number;
  /** After the meeting of this round without a winner, the impostors win: the crew ran out of time. */
  maxRounds: number;
}

export interface CrewDeath {
  round: number;
  seat: number;
  cause: 'killed' | 'ejected';
}

/** A kill and its author: the author stays hidden until the game is over. */
export interface CrewKillRecord {
  round: number;
  killer: number;
  victim: number;
}

export interface CrewMeeting {
  round: number;
  reason: CrewMeetingReason;
  /** The seat that pressed the emergency button; null for a body or the timer. */
  caller: number | null;
  /** The body reported; null unless the reason is `body`. */
  victim: number | null;
}

/** A resolved meeting, with who voted for whom: public once it resolves. */
export interface CrewMeetingRecord extends CrewMeeting {
  votes: Record<number, CrewVote>;
  tally: Record<number, number>;
  skips: number;
  ejected: number | null;
}

export interface CrewDeadline {
  id: string;
  at: number;
}

/** Stored as a JSON snapshot by the runtime, so plain objects and arrays only. */
export interface CrewState {
  game: 'crew';
  phase: CrewPhase;
  seats: SeatInfo[];
  options: CrewOptions;
  /** Empty in the lobby. */
  roles: Record<number, CrewRole>;
  /** Living seats, ascending. */
  alive: number[];
  /** 1 in the first tasks phase; a round is one tasks phase and the meeting after it. */
  round: number;
  /** Tasks completed per crew seat (the impostors have none). */
  tasksDone: Record<number, number>;
  /** Seats that acted in this tasks phase (a task, a pretended task, or a kill). */
  acted: number[];
  /**
   * The order the phase waits for its seats in, drawn each tasks phase: the runtime applies the bots' moves
   * in this order, so a kill among them says nothing about where in the seat order its author sits.
   */
  turnOrder: number[];
  /** Seats that used their one emergency meeting. */
  emergencyUsed: number[];
  meeting: CrewMeeting | null;
  /** This meeting's votes, voter -> vote. */
  votes: Record<number, CrewVote>;
  meetings: CrewMeetingRecord[];
  kills: CrewKillRecord[];
  deaths: CrewDeath[];
  winner: CrewRole | null;
  finishReason: CrewFinishReason | null;
  deadline: CrewDeadline | null;
  /** Counts phase changes, so every deadline gets a fresh id and an old timeout can never match. */
  phaseCount: number;
  /** Part of every deadline id, so a game started after a reset never reuses an old game's ids. */
  gameStartedAt: number;
}

export type CrewSeatView = {
  seat: number;
  name: string;
  kind: SeatInfo['kind'];
  alive: boolean;
  /** Public during a meeting: that the seat voted, not whom for. */
  voted: boolean;
  emergencyUsed: boolean;
};

export type CrewYouView = {
  seat: number;
  role: CrewRole | null;
  alive: boolean;
  /** For an impostor: every impostor seat, itself included; empty for crew. */
  impostors: number[];
  /** A crew seat's own tasks; null for an impostor. */
  tasks: { done: number; total: number } | null;
  /** Whether this seat acted in this tasks phase. */
  acted: boolean;
  emergencyUsed: boolean;
  /** Your vote in this meeting. */
  vote: CrewVote | null;
  /** An impostor's own kills (victims); empty for crew. */
  kills: number[];
  /** Whether the game waits for this seat in the current phase. */
  mustAct: boolean;
};

export type CrewView = {
  game: 'crew';
  phase: CrewPhase;
  round: number;
  maxRounds: number;
  /** The length of a tasks phase, so a client (or a bot) can tell whether the timer's meeting is near. */
  tasksMs: number;
  deadline: CrewDeadline | null;
  impostorCount: number;
  /** Tasks done by the crew over the game, of every crew seat's tasks at the start (a pretended task adds nothing). */
  taskProgress: { done: number; total: number };
  seats: CrewSeatView[];
  deaths: CrewDeath[];
  /** The meeting in progress. */
  meeting: CrewMeeting | null;
  /** The latest resolved meeting, with who voted for whom. */
  lastMeeting: CrewMeetingRecord | null;
  you: CrewYouView | null;
  winner: CrewRole | null;
  finishReason: CrewFinishReason | null;
  /** Every seat's role and every kill's author, only once the game is over. */
  roles: Record<number, CrewRole> | null;
  kills: CrewKillRecord[] | null;
};
