/** A team's row. */
export interface TeamRow {
  id: string;
  sessionId: string;
  name: string;
  active: boolean;
  createdAt: Date;
}

/** A live member's row, with the display name. */
export interface MemberRow {
  teamId: string;
  userId: string;
  name: string;
  slot: 1 | 2;
  awayUntil: Date | null;
}

/** One member of a team as every viewer of the team sees it. */
export interface TeamMemberView {
  /** 1 or 2: a CHSH team's player 1 answers A or B, player 2 X or Y (in the simplified mode). */
  slot: 1 | 2;
  userId: string;
  name: string;
  /** Dropped: the slot is held until `awayUntil` (ISO), then the member leaves. */
  away: boolean;
  awayUntil: string | null;
}

/** A team of a session, as its members, the session's host and anyone choosing a team see it. */
export interface TeamView {
  teamId: string;
  sessionId: string;
  name: string;
  /** False once nobody is left; taking its name again reactivates it with this id and its history. */
  active: boolean;
  /** Both slots held by a member who is not away: only a full team plays. */
  full: boolean;
  members: TeamMemberView[];
  createdAt: string;
}

/** What `team:create` answers: the team, and whether the name brought an inactive team back. */
export interface TeamCreated extends TeamView {
  reactivated: boolean;
  /** Your slot. */
  slot: 1 | 2;
}

export interface TeamJoined extends TeamView {
  slot: 1 | 2;
}

export interface TeamLeft {
  teamId: string;
  sessionId: string;
  /** Whether the team is still active (the partner stays) or went inactive (nobody left). */
  active: boolean;
}

export interface TeamList {
  sessionId: string;
  teams: TeamView[];
  /** The caller's team in this session, or null. */
  yourTeamId: string | null;
}

/** Why a team change happened, on `team:update`. */
export type TeamChange = 'created' | 'reactivated' | 'joined' | 'left' | 'away' | 'returned' | 'expired';

export interface TeamUpdate {
  change: TeamChange;
  team: TeamView;
}
