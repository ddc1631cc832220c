import { Global, Module } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { IdempotencyService } from './idempotency/idempotency.service';
import { LifecycleService } from './lifecycle/lifecycle.service';
import { RedisModule } from './redis/redis.module';
import { ThrottlingModule } from './throttling/throttling.module';

/** Shared infrastructure every feature module may use: transactions, idempotency, lifecycle, Redis, throttling. */
@Global()
@Module({
  imports: [RedisModule, ThrottlingModule],
  providers: [TransactionHost, IdempotencyRepository, IdempotencyService, LifecycleService],
  exports: [TransactionHost, IdempotencyService, LifecycleService, RedisModule, ThrottlingModule],
})
export class CommonModule {}
