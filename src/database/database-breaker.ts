import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import CircuitBreaker from 'opossum';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DATABASE_CIRCUIT_OPEN, isDatabaseUnavailable } from '../common/errors/to-app-error';
import { MetricsService } from '../telemetry/metrics.service';

export type DatabaseBreakerState = 'closed' | 'open' | 'half_open';

type Lease = [PoolClient, (error?: unknown) => void];
interface PostgresDriverLike {
  obtainMasterConnection(): Promise<Lease>;
}

/**
 * A circuit breaker (opossum) on every connection the app takes from its pool, TypeORM's queries,
 * transactions and health check alike. While PostgreSQL refuses connections, DB_BREAKER_VOLUME_THRESHOLD
 * failures in DB_BREAKER_WINDOW_MS, at least DB_BREAKER_ERROR_PERCENT of the attempts, open it: every
 * request is then refused at once with SERVICE_UNAVAILABLE (retryable) instead of each trying to connect.
 * After DB_BREAKER_RESET_MS one attempt goes through (half-open); its success closes the circuit, so the
 * process serves again without a restart. Only unavailability counts: a constraint violation is an answer.
 */
@Injectable()
// Never shut down: other modules' shutdown hooks still write (flushes, the drain's last commits) after this
// module's; opossum's timers are unref'd, so the breaker keeps no process alive.
export class DatabaseBreaker implements OnModuleInit {
  private readonly logger = new Logger('DatabaseBreaker');
  private readonly breaker: CircuitBreaker<[], Lease>;
  private obtain: (() => Promise<Lease>) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { errorPercent, volumeThreshold, windowMs, resetMs } = config.databaseBreaker;
    this.breaker = new CircuitBreaker(() => this.obtain!(), {
      name: 'database',
      timeout: false, // waiting for a free connection under load is not a failure
      errorThresholdPercentage: errorPercent,
      volumeThreshold,
      rollingCountTimeout: windowMs,
      rollingCountBuckets: 10,
      resetTimeout: resetMs,
      errorFilter: (error: unknown) => !isDatabaseUnavailable(error),
    });
    this.breaker.on('open', () => this.changed('open'));
    this.breaker.on('halfOpen', () => this.changed('half_open'));
    this.breaker.on('close', () => this.changed('closed'));
    this.breaker.on('reject', () => this.metrics.databaseBreakerRejections.inc());
    this.report();
  }

  onModuleInit(): void {
    const driver = this.dataSource.driver as unknown as PostgresDriverLike;
    const original = driver.obtainMasterConnection.bind(driver);
    this.obtain = original;
    driver.obtainMasterConnection = () =>
      this.breaker.fire().catch((error: unknown) => {
        if (!isOpenCircuit(error)) throw error;
        // Open, or half-open with its one trial under way: the same retryable 503 as a refused connection.
        throw Object.assign(new Error('The database circuit is open: PostgreSQL was unreachable just now'), {
          code: DATABASE_CIRCUIT_OPEN,
        });
      });
  }

  state(): DatabaseBreakerState {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half_open' : 'closed';
  }

  private changed(state: DatabaseBreakerState): void {
    this.report();
    if (state === 'open') this.logger.warn('PostgreSQL is unreachable: refusing database work at once for a while');
    else this.logger.log({ state }, 'database circuit');
  }

  private report(): void {
    const current = this.state();
    for (const state of ['closed', 'open', 'half_open'] as const)
      this.metrics.databaseBreaker.set({ state }, state === current ? 1 : 0);
  }
}

function isOpenCircuit(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EOPENBREAKER';
}
