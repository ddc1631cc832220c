import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { SocketDispatcher } from '../fast-path/socket-dispatcher';
import { SocketEmitter } from './socket-emitter.service';

/**
 * Graceful shutdown, first of all shutdown work (it is provided by the root module, whose hooks Nest runs
 * before every other module's, and in the first hook, onModuleDestroy), so nothing is torn down, and no
 * other hook can wait on the database, before it: stop accepting (HTTP, handshakes, and every new socket
 * event answered SHUTTING_DOWN), wait up to SHUTDOWN_GRACE_MS for in-flight work, whose acks are written
 * as each finishes; answer what is still running SHUTTING_DOWN; then tell this process's clients (not other
 * processes') `server:shutdown` and close their sockets, which sends what was written before closing.
 * After that this process publishes nothing, so no room sees an update whose sender was not acknowledged.
 * The database pool closes after this (TypeORM's hook), and an embedded server after that; `main` bounds
 * the whole exit.
 */
@Injectable()
export class ShutdownCoordinator implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly emitter: SocketEmitter,
    private readonly dispatcher: SocketDispatcher,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleDestroy(): Promise<void> {
    this.lifecycle.startDraining();
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    httpServer?.close();
    httpServer?.closeIdleConnections?.();
    const pending = await this.lifecycle.idle(this.config.shutdownGraceMs);
    // The last work's deliveries may still be queued behind it (chat's outbox flushes on the next tick,
    // after the promise chain that ended it and so after this one): they go out before the seal.
    await new Promise((resolve) => setImmediate(resolve));
    if (pending > 0) {
      const unanswered = this.dispatcher.answerUnfinished({
        code: 'SHUTTING_DOWN',
        message: 'The server is restarting; retry with the same actionId after reconnecting',
      });
      this.logger.warn({ pending, unanswered }, 'shutting down with work still in flight');
    }
    this.emitter.toLocalSockets('server:shutdown', { reason: 'shutdown', reconnectAfterMs: 1000 });
    this.emitter.disconnectLocalSockets();
    this.emitter.seal();
    httpServer?.closeAllConnections?.(); // requests still running after the grace
    this.logger.log({ pending }, 'drained');
  }
}
