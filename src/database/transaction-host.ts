import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

interface UnitOfWork {
  manager: EntityManager;
  afterCommit: Array<() => void>;
  /** False once the transaction ended: work it started (a timer, an emitted event) must not use its connection. */
  open: boolean;
}

/**
 * Carries the current transaction through async calls, so that an outer unit of work (an idempotent
 * request, a room action) and every repository it calls commit or roll back together. Side effects
 * that must not happen for a rolled-back change (broadcasts) are queued with `afterCommit`.
 */
@Injectable()
export class TransactionHost {
  private readonly storage = new AsyncLocalStorage<UnitOfWork>();
  private readonly logger = new Logger(TransactionHost.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The manager of the enclosing transaction, or the pool when there is none. */
  get manager(): EntityManager {
    return this.current()?.manager ?? this.dataSource.manager;
  }

  /** Runs `work` in a transaction, joining the enclosing one when there is one. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = this.current();
    if (current) return work(current.manager);
    const unit: UnitOfWork = { manager: this.dataSource.manager, afterCommit: [], open: true };
    let result: T;
    try {
      result = await this.dataSource.transaction((manager) => {
        unit.manager = manager;
        return this.storage.run(unit, () => work(manager));
      });
    } finally {
      unit.open = false;
    }
    for (const effect of unit.afterCommit) {
      try {
        effect();
      } catch (error) {
        this.logger.error({ err: error }, 'after-commit effect failed');
      }
    }
    return result;
  }

  /** Runs `effect` once the enclosing transaction commits (at once when there is none). */
  afterCommit(effect: () => void): void {
    const current = this.current();
    if (current) current.afterCommit.push(effect);
    else effect();
  }

  private current(): UnitOfWork | undefined {
    const unit = this.storage.getStore();
    return unit?.open ? unit : undefined;
  }
}
