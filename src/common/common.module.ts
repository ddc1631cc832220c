import { Global, Module } from '@nestjs/common';
import { DatabaseBreaker } from '../database/database-breaker';
import { TransactionHost } from '../database/transaction-host';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { IdempotencyService } from './idempotency/idempotency.service';
import { LifecycleService } from './lifecycle/lifecycle.service';
import { ContentPolicyPort } from './ports/content-policy.port';
import { MessageHistoryPort, RoomHistoryPort } from './ports/history.port';
import { SanctionsPort } from './ports/sanctions.port';
import { RedisModule } from './redis/redis.module';
import { ThrottlingModule } from './throttling/throttling.module';

/**
 * Shared infrastructure every feature module may use: transactions, idempotency, lifecycle, Redis,
 * throttling, the ports through which moderation judges content and sanctions users, and those through
 * which it reads rooms' and conversations' history.
 */
@Global()
@Module({
  imports: [RedisModule, ThrottlingModule],
  providers: [
    DatabaseBreaker,
    TransactionHost,
    IdempotencyRepository,
    IdempotencyService,
    LifecycleService,
    ContentPolicyPort,
    SanctionsPort,
    RoomHistoryPort,
    MessageHistoryPort,
  ],
  exports: [
    DatabaseBreaker,
    TransactionHost,
    IdempotencyService,
    LifecycleService,
    ContentPolicyPort,
    SanctionsPort,
    RoomHistoryPort,
    MessageHistoryPort,
    RedisModule,
    ThrottlingModule,
  ],
})
export class CommonModule {}
