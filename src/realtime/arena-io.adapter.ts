import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
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
      this.redisClients.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: 'arena:sio' }));
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // quit() would wait for a connection that may never come back; an unready client is just dropped.
    await Promise.all(
      this.redisClients.splice(0).map((client) => (client.status === 'ready' ? client.quit().catch(() => client.disconnect()) : client.disconnect())),
    );
  }
}
