import type { SessionEndReason } from '../identity/identity.events';
import type { PublicUser } from '../identity/identity.service';
import type { Ack } from './ack';

/** Identity over Socket.IO. */
export interface IdentityClientEvents {
  'session:whoami': (ack: Ack<PublicUser>) => void;
  'profile:rename': (payload: { actionId: string; displayName: string }, ack: Ack<PublicUser>) => void;
}

export interface IdentityServerEvents {
  /** This session ended (`logout`, `agent-disabled`, `expired`, `revoked`); the socket closes right after. */
  'session:revoked': (payload: { reason: SessionEndReason }) => void;
}
