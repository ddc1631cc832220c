import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { isObservable, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '../config/app-config';

/**
 * Socket.IO with Arena's transport settings: heartbeats, a hard frame cap, CORS from configuration,
 * and, with REDIS_URL, the Redis adapter so several processes share rooms and broadcasts.
 */
export class ArenaIoAdapter extends IoAdapter {
  private redisClients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      pingInterval: this.config.ws.pingIntervalMs,
      pingTimeout: this.config.ws.pingTimeoutMs,
      // The transport's hard cap; a frame past it closes the connection. Per-event limits are lower
      // and answered with PAYLOAD_TOO_LARGE by the realtime gateway.
      maxHttpBufferSize: Math.max(1_000_000, this.config.ws.maxPayloadBytes * 2),
      cors: { origin: this.config.corsOrigins, credentials: true },
    } as ServerOptions);
    if (this.config.redisUrl) {
      // Pub/sub clients wait out a Redis outage (no per-command retry limit) instead of rejecting.
      const pub = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on('error', () => undefined); // ioredis reconnects; /health reports it
      markSubscriptionsHandled(sub);
      this.redisClients.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: 'arena:sio' }));
    }
    return server;
  }

  /**
   * The same contract as IoAdapter's (each handler's result, once settled and not nil, is the ack, or an
   * `{ event, data }` emit; nothing goes to a socket that has disconnected; a failure is logged, never
   * thrown), with a plain listener per event instead of an rxjs pipeline (fromEvent, mergeMap, defer,
   * filter, map, catchError, takeUntil), which cost several subscriptions per incoming packet.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], _transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
        const reply = (response: unknown) => {
          if (response === null || response === undefined || !socket.connected) return;
          const asEvent = response as { event?: string; data?: unknown };
          if (asEvent.event) return void socket.emit(asEvent.event, asEvent.data);
          if (!isAckHandledManually && typeof ack === 'function') ack(response);
        };
        const failed = (error: unknown) => this.logger.error(error);
        let result: unknown;
        try {
          result = callback(data, ack);
        } catch (error) {
          return failed(error);
        }
        Promise.resolve(result).then((settled) => {
          // A stream (Nest's interceptor chain returns one): each value, as Nest's own transform would.
          if (isObservable(settled)) return void settled.subscribe({ next: reply, error: failed });
          reply(settled);
        }, failed);
      });
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // quit() would wait for a connection that may never come back; an unready client is just dropped.
    await Promise.all(
      this.redisClients.splice(0).map((client) => (client.status === 'ready' ? client.quit().catch(() => client.disconnect()) : client.disconnect())),
    );
  }
}

/**
 * The Redis adapter subscribes without awaiting; if the connection is closed before Redis ever answered
 * (shutdown while Redis is unreachable), those promises reject with nobody listening, which Node treats
 * as fatal. Their callers still see the rejection; only the unhandled report is prevented.
 */
function markSubscriptionsHandled(client: Redis): void {
  for (const method of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const result = original(...args);
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    };
  }
}
