import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../telemetry/metrics.service';
import type { ServerEvent } from './socket-emitter.service';

/**
 * "This socket is behind: give it a fresh full view of `key`" (for `room:update`, key is the room id).
 * Called once the socket has caught up, for every key whose updates it was not sent meanwhile.
 */
export type FreshViewHook = (socketId: string, key: string) => void;

/** What the engine holds for one connection (engine.io's Socket): packets not yet handed to the transport. */
interface EngineConnection {
  writeBuffer: Array<{ data?: unknown }>;
  transport: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}
interface EngineClient {
  writeToEngine(encoded: unknown, options: unknown): void;
}

interface Behind {
  since: number;
  /** `event \0 key` of every update withheld while behind. */
  stale: Set<string>;
  timer: NodeJS.Timeout;
}

/** An encoded EVENT packet of the default namespace whose payload starts with its key: `2["event",{"roomId":"…"`. */
const KEYED_EVENT = /^2\["([^"]+)",\{"roomId":"([^"]+)"/;
const CATCH_UP_CHECK_MS = 100;

/**
 * Per-socket backpressure, in one place for every event a socket receives, broadcasts from other processes
 * (the Redis adapter) included: everything reaches a socket through its engine client's `writeToEngine`,
 * which this wraps. A socket whose unsent bytes (the engine's buffer plus the WebSocket's) pass
 * WS_SOCKET_BUFFER_BYTES is behind: updates of events registered with `coalesce` are withheld, and once
 * it has caught up it gets one fresh full view per key through the event's hook, so its memory stays
 * bounded whatever the room publishes. Other events are still queued (they cannot be merged); past
 * WS_SOCKET_MAX_BUFFER_BYTES, or behind for longer than WS_SOCKET_BEHIND_MS, the socket is told
 * `SLOW_CONSUMER` and disconnected. Writing to a closed socket does nothing.
 */
@Injectable()
export class SocketBackpressure implements OnModuleDestroy {
  private readonly logger = new Logger('Backpressure');
  private readonly hooks = new Map<string, FreshViewHook>();
  private readonly behind = new Map<Socket, Behind>();
  private readonly cutting = new WeakSet<Socket>();

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Updates of `event` carry a full state (a room:update carries the room's whole view), so a socket that
   * is behind may skip them: `refresh` sends the fresh view once it has caught up. An event whose updates
   * become deltas keeps working, since the hook sends a full view, not the last update.
   */
  coalesce(event: ServerEvent, refresh: FreshViewHook): void {
    this.hooks.set(event, refresh);
  }

  /** Puts a newly connected socket under the bounds. */
  watch(socket: Socket): void {
    const client = socket.client as unknown as EngineClient;
    const write = client.writeToEngine.bind(client);
    client.writeToEngine = (encoded, options) => {
      if (socket.disconnected) return;
      // The SLOW_CONSUMER notice that `cut` emits comes back through here: let it pass instead of cutting again.
      if (this.cutting.has(socket)) return write(encoded, options);
      const backlog = this.backlog(socket);
      if (backlog > this.config.ws.socketMaxBufferBytes) return this.cut(socket, `${backlog} bytes unsent`);
      let behind = this.behind.get(socket);
      if (!behind && backlog > this.config.ws.socketBufferBytes) behind = this.fallBehind(socket);
      if (behind) {
        // One encoded packet, or the encoder's list of them (a single string for a packet without binary).
        const first: unknown = Array.isArray(encoded) ? encoded[0] : encoded;
        const keyed = typeof first === 'string' ? KEYED_EVENT.exec(first) : null;
        if (keyed && this.hooks.has(keyed[1])) {
          behind.stale.add(`${keyed[1]}\0${keyed[2]}`);
          this.metrics.socketBackpressure.inc({ outcome: 'withheld' });
          return;
        }
      }
      write(encoded, options);
    };
    socket.once('disconnect', () => this.forget(socket));
  }

  /** Sockets of this process that are behind now (metrics, tests). */
  behindCount(): number {
    return this.behind.size;
  }

  onModuleDestroy(): void {
    for (const socket of [...this.behind.keys()]) this.forget(socket);
  }

  private fallBehind(socket: Socket): Behind {
    const behind: Behind = {
      since: Date.now(),
      stale: new Set(),
      timer: setInterval(() => this.check(socket), CATCH_UP_CHECK_MS).unref(),
    };
    this.behind.set(socket, behind);
    this.metrics.socketBackpressure.inc({ outcome: 'behind' });
    return behind;
  }

  private check(socket: Socket): void {
    const behind = this.behind.get(socket);
    if (!behind) return;
    if (socket.disconnected) return this.forget(socket);
    if (this.backlog(socket) <= this.config.ws.socketBufferBytes / 2) {
      this.forget(socket);
      for (const stale of behind.stale) {
        const [event, key] = stale.split('\0');
        this.metrics.socketBackpressure.inc({ outcome: 'refreshed' });
        try {
          this.hooks.get(event)?.(socket.id, key);
        } catch (error) {
          this.logger.error({ err: error, event }, 'fresh view for a socket that caught up failed');
        }
      }
      return;
    }
    if (Date.now() - behind.since > this.config.ws.socketBehindMs)
      this.cut(socket, `behind for more than ${this.config.ws.socketBehindMs} ms`);
  }

  /** Tells it why (it reads that only if it ever catches up), then drops the connection at once. */
  private cut(socket: Socket, why: string): void {
    this.forget(socket);
    if (socket.disconnected || this.cutting.has(socket)) return;
    this.cutting.add(socket);
    this.metrics.socketBackpressure.inc({ outcome: 'disconnected' });
    this.logger.warn({ socketId: socket.id, why }, 'disconnecting a socket that does not read');
    socket.emit('arena:error', {
      event: 'connection',
      ok: false,
      error: {
        code: 'SLOW_CONSUMER',
        message: 'This connection fell too far behind and was closed; reconnect and rejoin your rooms',
      },
    });
    socket.disconnect(true);
    // engine.io would wait for the buffer to drain before closing, which a dead client never lets happen.
    (socket.conn as unknown as EngineConnection).transport.socket?.terminate?.();
  }

  private forget(socket: Socket): void {
    const behind = this.behind.get(socket);
    if (!behind) return;
    clearInterval(behind.timer);
    this.behind.delete(socket);
  }

  private backlog(socket: Socket): number {
    const conn = socket.conn as unknown as EngineConnection;
    let bytes = conn.transport.socket?.bufferedAmount ?? 0;
    for (const packet of conn.writeBuffer) {
      const data = packet.data;
      if (typeof data === 'string') bytes += data.length;
      else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
    }
    return bytes;
  }
}
