import { Inject, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppError, type ErrorBody } from '../common/errors/app-error';
import { findInputProblem, inputProblemError } from '../common/errors/input-bounds';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { MetricsService } from '../telemetry/metrics.service';
import type { Caller } from '../identity/caller';
import { IdentityService } from '../identity/identity.service';
import { SESSIONS_REVOKED, type SessionsRevokedEvent } from '../identity/identity.events';
import { SocketDispatcher } from '../fast-path/socket-dispatcher';
import { RESERVED_EVENT } from './arena-parser';
import { SessionWatch } from './session-watch.service';
import { SocketBackpressure } from './socket-backpressure';
import { CLIENT_FEATURES, sessionRoom, SocketEmitter, userFeatureRoom, userRoom } from './socket-emitter.service';

type HandshakeError = Error & { data: ErrorBody };

/** More feature names than any client needs: a longer list is refused rather than scanned. */
const MAX_FEATURES = 32;

function handshakeError(code: string, message: string): HandshakeError {
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * The connection edge: authenticates every handshake (token in `auth.token`, protocol features the client
 * understands in `auth.features`), refuses politely past the connection cap or while draining, and guards
 * every incoming packet before any handler sees it: unknown events, oversize payloads, nesting past
 * MAX_INPUT_DEPTH and text PostgreSQL cannot store get an error ack, never a crash or a disconnect.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly identity: IdentityService,
    private readonly emitter: SocketEmitter,
    private readonly backpressure: SocketBackpressure,
    private readonly sessions: SessionWatch,
    private readonly lifecycle: LifecycleService,
    private readonly metrics: MetricsService,
    private readonly dispatcher: SocketDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    this.emitter.attach(server);
    server.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: HandshakeError) => next(error),
      );
    });
  }

  handleConnection(socket: Socket): void {
    const caller = socket.data.caller as Caller | undefined;
    if (!caller) return void socket.disconnect(true); // only reachable if the middleware was bypassed
    this.backpressure.watch(socket);
    const declared = (socket.data.features as string[] | undefined) ?? [];
    void socket.join([
      userRoom(caller.userId),
      sessionRoom(caller.sessionId),
      ...CLIENT_FEATURES.map((feature) => userFeatureRoom(caller.userId, feature, declared.includes(feature))),
    ]);
    socket.use(([delivered, ...rest], _next) => {
      // A packet naming a reserved event comes as RESERVED_EVENT with the name first (see arena-parser).
      const reserved = delivered === RESERVED_EVENT;
      const event = reserved ? rest[0] : delivered;
      const args = reserved ? rest.slice(1) : rest;
      const refusal = reserved ? reservedEventError(event) : this.screen(socket, event, args);
      // The packet ends here, handled or refused: sockets carry no listener per event (SocketDispatcher.deliver).
      if (!refusal) return this.dispatcher.deliver(socket, event as string, args);
      this.metrics.socketEvents.inc({ event: 'rejected', outcome: refusal.code });
      const ack = args[args.length - 1];
      if (typeof ack === 'function') ack({ ok: false, error: refusal });
      else socket.emit('arena:error', { event, ok: false, error: refusal });
    });
    this.sessions.watch(socket, caller);
    this.metrics.connectedSockets.inc();
  }

  handleDisconnect(socket: Socket): void {
    if (!socket.data.caller) return;
    this.sessions.unwatch(socket);
    this.metrics.connectedSockets.dec();
  }

  @OnEvent(SESSIONS_REVOKED)
  onSessionsRevoked(event: SessionsRevokedEvent): void {
    this.sessions.end(event.sessionIds, event.reason);
  }

  private async admit(socket: Socket): Promise<void> {
    if (this.lifecycle.draining) throw handshakeError('SHUTTING_DOWN', 'The server is restarting; reconnect shortly');
    if (this.emitter.localConnections() >= this.config.ws.maxConnections) {
      throw handshakeError('SERVER_BUSY', 'This server is full; try again shortly');
    }
    const { token, features } = (socket.handshake.auth ?? {}) as { token?: unknown; features?: unknown };
    const caller = await this.identity.authenticate(token).catch((error: unknown) => {
      if (error instanceof AppError)
        throw Object.assign(handshakeError(error.code, error.message), { data: error.toBody() });
      this.logger.error({ err: error }, 'handshake authentication failed');
      throw handshakeError('INTERNAL_ERROR', 'Could not check the session; try again');
    });
    if (!caller) {
      throw token === undefined
        ? handshakeError('UNAUTHENTICATED', 'Send the session token as auth.token in the handshake')
        : handshakeError('UNAUTHENTICATED', 'The session token is unknown, expired or revoked');
    }
    if (
      features != null &&
      !(
        Array.isArray(features) &&
        features.length <= MAX_FEATURES &&
        features.every((feature) => typeof feature === 'string')
      )
    ) {
      throw handshakeError(
        'VALIDATION_FAILED',
        `auth.features must be a list of at most ${MAX_FEATURES} feature names, such as ["chat:messages"]`,
      );
    }
    socket.data.caller = caller;
    // Names this server does not know are left out: a newer client may declare more.
    socket.data.features = ((features ?? []) as string[]).filter((feature) =>
      (CLIENT_FEATURES as readonly string[]).includes(feature),
    );
  }

  private screen(socket: Socket, event: unknown, args: unknown[]): ErrorBody | null {
    if (this.sessions.ended(socket))
      return { code: 'UNAUTHENTICATED', message: 'The session expired or was revoked; sign in again' };
    if (this.lifecycle.draining)
      return { code: 'SHUTTING_DOWN', message: 'The server is restarting; retry after reconnecting' };
    if (typeof event !== 'string' || !this.dispatcher.handles(event)) {
      return { code: 'UNKNOWN_EVENT', message: `Unknown event ${JSON.stringify(event)}` };
    }
    const payload = args.filter((arg) => typeof arg !== 'function');
    // Before measuring: JSON.stringify itself overflows on deep nesting, as the validators would.
    for (const arg of payload) {
      const problem = findInputProblem(arg);
      if (problem) return inputProblemError(problem).toBody();
    }
    const limit = this.config.ws.maxPayloadBytes;
    const size = fitsQuickly(payload, limit) ? 0 : payloadSize(payload);
    if (size > limit) {
      return {
        code: 'PAYLOAD_TOO_LARGE',
        message: `Payload is ${size} bytes; the limit is ${this.config.ws.maxPayloadBytes}`,
      };
    }
    return null;
  }
}

function reservedEventError(event: unknown): ErrorBody {
  return {
    code: 'UNKNOWN_EVENT',
    message: `Unknown event ${JSON.stringify(event)}: the name is reserved by Socket.IO`,
  };
}

/**
 * True when the payload is surely within `limit` bytes, by native JSON.stringify without a replacer (a
 * replacer function is called for every key, which made this check a visible share of each event).
 * A UTF-16 unit is at most 3 UTF-8 bytes, and a Buffer serialises larger than its length, so this only
 * over-estimates; anything near or past the limit is measured exactly by `payloadSize`.
 */
function fitsQuickly(payload: unknown[], limit: number): boolean {
  try {
    return (JSON.stringify(payload)?.length ?? 0) * 3 <= limit;
  } catch {
    return false; // cyclic or otherwise unserialisable: let payloadSize decide
  }
}

function payloadSize(payload: unknown[]): number {
  try {
    return Buffer.byteLength(
      JSON.stringify(payload, (_key, value: unknown) => (Buffer.isBuffer(value) ? 'x'.repeat(value.length) : value)) ??
        '',
    );
  } catch {
    return Number.POSITIVE_INFINITY; // cyclic or otherwise unserialisable: refuse
  }
}
