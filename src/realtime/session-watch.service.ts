import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Socket } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Caller } from '../identity/caller';
import type { SessionEndReason } from '../identity/identity.events';
import { IdentityService } from '../identity/identity.service';
import { SocketEmitter } from './socket-emitter.service';

/** setTimeout's longest delay; a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface WatchedSession {
  sockets: Set<Socket>;
  expiresAt: number;
  timer: NodeJS.Timeout | null;
  ended: boolean;
}

/**
 * A session's end reaches its open sockets on this process however it ends: at its `expires_at` (a
 * timer), and when it is revoked, deleted or its user disabled, by this or any other process or by hand in
 * the database, at the next check (one query for all of this process's sessions every
 * SESSION_CHECK_INTERVAL_MS). From that moment its sockets are refused UNAUTHENTICATED, told
 * `session:revoked { reason }`, and closed.
 */
@Injectable()
export class SessionWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SessionWatch');
  private readonly sessions = new Map<string, WatchedSession>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly identity: IdentityService,
    private readonly emitter: SocketEmitter,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), this.config.sessionCheckIntervalMs);
    this.timer.unref();
    this.scheduler.addInterval('session-check', this.timer);
  }

  onApplicationShutdown(): void {
    // The schedule module may have cleared its registry's intervals already (shutdown hooks run module by module).
    if (this.scheduler.doesExist('interval', 'session-check')) this.scheduler.deleteInterval('session-check');
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const session of this.sessions.values()) if (session.timer) clearTimeout(session.timer);
  }

  watch(socket: Socket, caller: Caller): void {
    let session = this.sessions.get(caller.sessionId);
    if (!session) {
      session = {
        sockets: new Set(),
        expiresAt: caller.sessionExpiresAt ?? Number.POSITIVE_INFINITY,
        timer: null,
        ended: false,
      };
      this.sessions.set(caller.sessionId, session);
      this.arm(caller.sessionId, session);
    }
    session.sockets.add(socket);
    if (session.ended) socket.data.sessionEnded = true;
  }

  unwatch(socket: Socket): void {
    const caller = socket.data.caller as Caller | undefined;
    const session = caller && this.sessions.get(caller.sessionId);
    if (!session) return;
    session.sockets.delete(socket);
    if (session.sockets.size > 0) return;
    if (session.timer) clearTimeout(session.timer);
    this.sessions.delete(caller.sessionId);
  }

  /** Whether this socket's session has ended: then it may not act, whatever it sends. */
  ended(socket: Socket): boolean {
    if (socket.data.sessionEnded === true) return true;
    const caller = socket.data.caller as Caller | undefined;
    return caller?.sessionExpiresAt !== undefined && Date.now() >= caller.sessionExpiresAt;
  }

  /** Stops these sessions' sockets at once, tells them why and closes them (on every process). */
  end(sessionIds: string[], reason: SessionEndReason): void {
    for (const sessionId of sessionIds) {
      const session = this.sessions.get(sessionId);
      if (!session) continue;
      session.ended = true;
      if (session.timer) clearTimeout(session.timer);
      session.timer = null;
      for (const socket of session.sockets) socket.data.sessionEnded = true;
    }
    this.emitter.disconnectSessions(sessionIds, 'session:revoked', { reason });
  }

  /** One query for every session with a socket here: the ones no longer standing end now. */
  async check(): Promise<void> {
    if (this.checking || this.sessions.size === 0) return;
    this.checking = true;
    try {
      const ids = [...this.sessions].filter(([, session]) => !session.ended).map(([id]) => id);
      if (ids.length === 0) return;
      const standing = new Map((await this.identity.standingSessions(ids)).map((s) => [s.sessionId, s.expiresAt]));
      const now = Date.now();
      const open = ids.filter((id) => this.sessions.get(id)?.ended === false);
      const revoked = open.filter((id) => !standing.has(id));
      const expired = open.filter((id) => standing.has(id) && (standing.get(id) as number) <= now);
      this.end(revoked, 'revoked');
      this.end(expired, 'expired');
      for (const [id, expiresAt] of standing) {
        const session = this.sessions.get(id);
        if (session && !session.ended && expiresAt > now && expiresAt !== session.expiresAt) {
          session.expiresAt = expiresAt; // moved in the database: the timer follows
          for (const socket of session.sockets) (socket.data.caller as Caller).sessionExpiresAt = expiresAt;
          this.arm(id, session);
        }
      }
    } catch (error) {
      // A database outage must not close every socket; the next check tries again.
      this.logger.warn({ err: error }, 'checking open sessions failed');
    } finally {
      this.checking = false;
    }
  }

  private arm(sessionId: string, session: WatchedSession): void {
    if (session.timer) clearTimeout(session.timer);
    const delay = Math.max(0, session.expiresAt - Date.now());
    session.timer = setTimeout(
      () => {
        session.timer = null;
        if (Date.now() >= session.expiresAt) this.end([sessionId], 'expired');
        else this.arm(sessionId, session);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    session.timer.unref();
  }
}
