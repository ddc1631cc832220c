/**
 * Events that cross module boundaries on the in-process bus (@nestjs/event-emitter). A module emits
 * after its transaction committed; listeners must be idempotent (an event may be seen again after a
 * retry). Names are `<module>.<fact in the past tense>`.
 */
export const ArenaEvents = {
  /**
   * A room's chat channel members, or what they may read, changed (payload RoomChatChanged). The rows were
   * committed with the room event; this only moves live sockets, which a reconnect also does.
   */
  roomChatChanged: 'rooms.chat-changed',
  /** Games finished and their match rows committed (no payload); telemetry rates them. */
  matchesFinished: 'rooms.matches-finished',
  /** A user was sanctioned; live sockets must act at once (payload UserSanctioned). */
  userSanctioned: 'moderation.user-sanctioned',
  /** A team was formed (payload TeamCreated); chat makes its team conversation. */
  teamCreated: 'teams.created',
  /** Someone joined or rejoined a team (payload TeamMemberJoined). */
  teamMemberJoined: 'teams.member-joined',
  /** Someone left a team for good (payload TeamMemberLeft). */
  teamMemberLeft: 'teams.member-left',
  /** A team's members may write its chat now, or no longer (payload TeamChatAccess): CHSH partners must not confer. */
  teamChatAccess: 'teams.chat-access',
} as const;

/** One committed change to a room channel's members: joined, left, or may now read or no longer (`access`). */
export interface RoomChatChange {
  conversationId: string;
  userId: string;
  change: 'joined' | 'left' | 'access';
  /** Whether the member may read the channel now (its sockets get its messages live). */
  readable: boolean;
}

export interface RoomChatChanged {
  roomId: string;
  changes: RoomChatChange[];
}

export interface UserSanctioned {
  /** The sanction's id: listeners may use it as an idempotency key. */
  sanctionId?: string;
  userId: string;
  kind: 'ban' | 'mute' | 'kick' | 'warn';
  expiresAt: string | null;
  roomId: string | null;
  reason: string;
}

export interface TeamCreated {
  teamId: string;
  name: string;
  memberIds: string[];
}

export interface TeamMemberJoined {
  teamId: string;
  userId: string;
}

export interface TeamMemberLeft {
  teamId: string;
  userId: string;
}

export interface TeamChatAccess {
  teamId: string;
  writable: boolean;
}
