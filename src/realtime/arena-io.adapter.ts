import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '../config/app-config';
import { arenaParser } from './arena-parser';
import { SocketDispatcher } from '../fast-path/socket-dispatcher';

/**
 * At shutdown, how long a client has to answer the WebSocket close before its connection is cut: one that
 * stopped reading never answers (ws would wait 30 s), and Socket.IO's close waits for the HTTP server's,
 * which waits for every connection to end.
 */
const CLOSE_ANSWER_MS = 1000;

/**
 * The largest frame the transport reads (engine.io's maxHttpBufferSize): 2 MiB, or four times
 * WS_MAX_PAYLOAD_BYTES if that is more. Anything from the payload limit up to this gets a coded answer;
 * reading stops at a frame past it, and the connection is closed.
 */
function transportFrameCap(maxPayloadBytes: number): number {
  return Math.max(2 * 1024 * 1024, maxPayloadBytes * 4);
}

/**
 * Socket.IO with Arena's transport settings: heartbeats, a hard frame cap, CORS from configuration,
 * and, with REDIS_URL, the Redis adapter so several processes share rooms and broadcasts.
 */
export class ArenaIoAdapter extends IoAdapter {
  private redisClients: Redis[] = [];
  /** The TCP connections upgraded to WebSocket, which the HTTP server no longer closes itself. */
  private readonly upgraded = new Set<Duplex>();
  private dispatcher: SocketDispatcher | undefined;

  constructor(
    private readonly context: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(context);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      pingInterval: this.config.ws.pingIntervalMs,
      pingTimeout: this.config.ws.pingTimeoutMs,
      // The transport's hard cap; a frame past it closes the connection. Below it, a payload over
      // WS_MAX_PAYLOAD_BYTES is answered with PAYLOAD_TOO_LARGE by the realtime gateway, socket kept.
      maxHttpBufferSize: transportFrameCap(this.config.ws.maxPayloadBytes),
      parser: arenaParser,
      cors: { origin: this.config.corsOrigins, credentials: true },
    } as ServerOptions);
    server.httpServer?.on('upgrade', (_request: IncomingMessage, socket: Duplex) => {
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
    });
    if (this.config.redisUrl) {
      // Pub/sub clients wait out a Redis outage (no per-command retry limit) instead of rejecting.
      const pub = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on('error', () => undefined); // ioredis reconnects; /health reports it
      markSubscriptionsHandled(sub);
      markRejectionsHandled(pub, ['publish']);
      this.redisClients.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: `${this.config.redisPrefix}:sio` }));
    }
    return server;
  }

  /**
   * Each event Nest maps to a gateway handler runs through Arena's SocketDispatcher (guards, exactly-once,
   * validation, handler, ack), which the realtime gateway's middleware hands every screened packet; Nest's
   * own per-event callbacks are not used, and no listener is added to the socket.
   */
  override bindMessageHandlers(
    _socket: Socket,
    handlers: MessageMappingProperties[],
    _transform: (data: unknown) => Observable<unknown>,
  ): void {
    const dispatcher = (this.dispatcher ??= this.context.get(SocketDispatcher, { strict: false }) ?? undefined);
    if (!dispatcher) throw new Error('SocketDispatcher is not registered (RealtimeModule)');
    dispatcher.mapPayload ??= (payload) => this.mapPayload(payload);
    for (const { message } of handlers) dispatcher.route(message as string);
  }

  override async close(server: Server): Promise<void> {
    const cut = setTimeout(() => {
      for (const socket of this.upgraded) socket.destroy();
    }, CLOSE_ANSWER_MS);
    await super.close(server);
    clearTimeout(cut);
    // quit() would wait for a connection that may never come back; an unready client is just dropped.
    await Promise.all(
      this.redisClients
        .splice(0)
        .map((client) =>
          client.status === 'ready' ? client.quit().catch(() => client.disconnect()) : client.disconnect(),
        ),
    );
  }
}

/**
 * The Redis adapter subscribes without awaiting; if the connection is closed before Redis ever answered
 * (shutdown while Redis is unreachable), those promises reject with nobody listening, which Node treats
 * as fatal. Their callers still see the rejection; only the unhandled report is prevented.
 */
function markSubscriptionsHandled(client: Redis): void {
  markRejectionsHandled(client, ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);
}

/**
 * The same for the adapter's publishes (broadcasts, disconnects): one queued while Redis is unreachable
 * is rejected when the client closes at shutdown, after the drain has sent `server:shutdown` through it.
 */
function markRejectionsHandled(
  client: Redis,
  methods: Array<'subscribe' | 'psubscribe' | 'unsubscribe' | 'punsubscribe' | 'publish'>,
): void {
  for (const method of methods) {
    const original = client[method].bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const result = original(...args);
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    };
  }
}
