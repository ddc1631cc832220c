export const ROLES = ['player', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type UserKind = 'guest' | 'registered' | 'agent';

/** Who is calling, resolved from the session token by the auth guard (REST) or handshake (Socket.IO). */
export interface Caller {
  userId: string;
  sessionId: string;
  /** When the session expires (epoch ms): a socket of the session stops acting then. Unset: no expiry known. */
  sessionExpiresAt?: number;
  kind: UserKind;
  role: Role;
  displayName: string;
  /** The registered user an agent acts for; null for people. */
  ownerId: string | null;
}

export interface WithCaller {
  caller?: Caller;
}

export function callerOf(request: object): Caller | undefined {
  return (request as WithCaller).caller;
}
