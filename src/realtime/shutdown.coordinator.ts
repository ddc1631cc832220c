import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { SocketEmitter } from './socket-emitter.service';

/**
 * Graceful shutdown, before any module closes its resources: stop accepting (HTTP and handshakes),
 * tell connected clients (`server:shutdown`), let in-flight actions finish, then close the sockets.
 * The database closes after this (TypeORM's own shutdown hook), and an embedded server after that.
 */
@Injectable()
export class ShutdownCoordinator implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly emitter: SocketEmitter,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.lifecycle.startDraining();
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    httpServer?.close();
    httpServer?.closeIdleConnections?.();
    this.emitter.broadcast('server:shutdown', { reason: signal ?? 'shutdown', reconnectAfterMs: 1000 });
    const pending = await this.lifecycle.idle(this.config.shutdownGraceMs);
    if (pending > 0) this.logger.warn({ pending }, 'shutting down with work still in flight');
    this.emitter.disconnectAll();
    this.logger.log({ signal }, 'drained');
  }
}
