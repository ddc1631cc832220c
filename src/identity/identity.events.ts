/** Why a session's sockets were closed: `expired` at its expiry, `revoked` when found revoked, deleted or disabled. */
export type SessionEndReason = 'logout' | 'agent-disabled' | 'expired' | 'revoked';

/** Published on the event bus when sessions end, so live sockets of those sessions are closed. */
export const SESSIONS_REVOKED = 'identity.sessions-revoked';

export interface SessionsRevokedEvent {
  sessionIds: string[];
  reason: SessionEndReason;
}
