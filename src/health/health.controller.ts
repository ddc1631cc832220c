import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  MemoryHealthIndicator,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { NoThrottle } from '../common/throttling/throttling.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppError } from '../common/errors/app-error';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { Public } from '../identity/auth.decorators';
import { EventLoopIndicator } from './event-loop.indicator';
import { RedisIndicator } from './redis.indicator';

@ApiTags('operations')
@NoThrottle()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly eventLoop: EventLoopIndicator,
    private readonly redis: RedisIndicator,
    private readonly lifecycle: LifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Readiness: 200 when every indicator is up; 503 naming the ones that are not. */
  @Get()
  @HealthCheck()
  async readiness(): Promise<HealthCheckResult> {
    if (this.lifecycle.draining) throw new AppError('SHUTTING_DOWN', 'Unhealthy: shutting down');
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 2000 }),
        () => this.memory.checkHeap('memory_heap', this.config.health.heapLimitBytes),
        () => this.eventLoop.check('event_loop', this.config.health.eventLoopLagMs),
        ...(this.redis.configured ? [() => this.redis.check('redis')] : []),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failing = Object.keys(result.error ?? {});
      throw new AppError('UNHEALTHY', `Unhealthy: ${failing.join(', ')}`, result, 503);
    }
  }

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.readiness();
  }
}
