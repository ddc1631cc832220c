/**
 * Events that cross module boundaries on the in-process bus (@nestjs/event-emitter). A module emits
 * after its transaction committed; listeners must be idempotent (an event may be seen again after a
 * retry). Names are `<module>.<fact in the past tense>`.
 */
export const ArenaEvents = {
  /** A room was created (payload RoomCreated). */
  roomCreated: 'rooms.created',
  /** Someone took a seat or began watching (payload RoomMemberJoined). */
  roomMemberJoined: 'rooms.member-joined',
  /** Someone left a seat or stopped watching for good (payload RoomMemberLeft). */
  roomMemberLeft: 'rooms.member-left',
  /** A room's phase changed; chat channel rules may have changed with it (payload RoomPhaseChanged). */
  roomPhaseChanged: 'rooms.phase-changed',
  /** Who is in a game's private chat channels changed (payload RoomChannelsChanged). */
  roomChannelsChanged: 'rooms.channels-changed',
  /** A user was sanctioned; live sockets must act at once (payload UserSanctioned). */
  userSanctioned: 'moderation.user-sanctioned',
  /** A team was formed (payload TeamCreated); chat makes its team conversation. */
  teamCreated: 'teams.created',
  /** Someone joined or rejoined a team (payload TeamMemberJoined). */
  teamMemberJoined: 'teams.member-joined',
  /** Someone left a team for good (payload TeamMemberLeft). */
  teamMemberLeft: 'teams.member-left',
} as const;

export interface RoomCreated {
  roomId: string;
  gameId: string;
  hostUserId: string;
}

export interface RoomMemberJoined {
  roomId: string;
  userId: string;
  role: 'seat' | 'spectator';
  seat: number | null;
}

export interface RoomMemberLeft {
  roomId: string;
  userId: string;
}

export interface RoomPhaseChanged {
  roomId: string;
  gameId: string;
  phase: string;
}

export interface RoomChannelsChanged {
  roomId: string;
  gameId: string;
  phase: string;
  /** Channel name -> the users in it (bots have no user and never chat). Channels absent are unchanged. */
  channels: Record<string, string[]>;
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
