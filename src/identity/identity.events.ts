/** Published on the event bus when sessions end, so live sockets of those sessions are closed. */
export const SESSIONS_REVOKED = 'identity.sessions-revoked';

export interface SessionsRevokedEvent {
  sessionIds: string[];
  reason: 'logout' | 'agent-disabled';
}
