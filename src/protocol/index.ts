import type { ErrorBody } from '../common/errors/app-error';
import type { ChatClientEvents, ChatServerEvents } from './chat.protocol';
import type { ChshClientEvents, ChshServerEvents } from './chsh.protocol';
import type { IdentityClientEvents, IdentityServerEvents } from './identity.protocol';
import type { ModerationServerEvents } from './moderation.protocol';
import type { RoomsClientEvents, RoomsServerEvents } from './rooms.protocol';
import type { TeamsClientEvents, TeamsServerEvents } from './teams.protocol';
import type { TelemetryClientEvents } from './telemetry.protocol';

export type { Ack, AckReply } from './ack';
export type * from './crew.protocol';
export type * from './villa.protocol';

/**
 * The Socket.IO protocol as one typed map, shared by the server, the load tools and clients:
 * `io<ServerToClientEvents, ClientToServerEvents>(url)`. Each feature adds its events in its own file.
 */
export type ClientToServerEvents = IdentityClientEvents &
  RoomsClientEvents &
  ChatClientEvents &
  // Teams and CHSH (docs/protocol-teams.md).
  TeamsClientEvents &
  ChshClientEvents &
  // Statistics and leaderboards (docs/telemetry.md).
  TelemetryClientEvents;

export type ServerToClientEvents = IdentityServerEvents &
  RoomsServerEvents &
  ChatServerEvents &
  ModerationServerEvents &
  // Teams and CHSH (docs/protocol-teams.md).
  TeamsServerEvents &
  ChshServerEvents & {
    /** The server is draining; reconnect after the delay. */
    'server:shutdown': (payload: { reason: string; reconnectAfterMs: number }) => void;
    /** A refused event that had no ack callback. */
    'arena:error': (payload: { event: string; ok: false; error: ErrorBody }) => void;
  };
