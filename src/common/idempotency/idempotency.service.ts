import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionHost } from '../../database/transaction-host';
import { AppError } from '../errors/app-error';
import { IdempotencyRepository } from './idempotency.repository';

export interface IdempotentRequest {
  /** Whose key it is: `user:<id>`, or `ip:<address>` for anonymous calls. */
  scope: string;
  key: string;
  /** What the request asked for; the same key with another fingerprint is refused. */
  fingerprint: string;
  /** Store the result encrypted (it carries a credential shown once). */
  sensitive?: boolean;
}

export interface IdempotentResult<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Exactly-once execution (Invariant 2): the effect of `work` and the stored result commit in one
 * transaction, so a retry, a concurrent copy or a crash between the two can never produce a second
 * effect or a lost answer.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly cipherKey: Buffer;

  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly tx: TransactionHost,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipherKey = Buffer.from(hkdfSync('sha256', config.sessionSecret, 'arena', 'idempotency-responses', 32));
  }

  async execute<T>(
    request: IdempotentRequest,
    work: () => Promise<{ statusCode: number; body: T }>,
  ): Promise<IdempotentResult<T>> {
    if (!IDEMPOTENCY_KEY_PATTERN.test(request.key)) {
      throw new AppError('IDEMPOTENCY_KEY_INVALID', 'An idempotency key is 1 to 255 printable ASCII characters');
    }
    const requestHash = createHash('sha256').update(request.fingerprint).digest('base64url');
    return this.tx.transaction(async () => {
      const claimed = await this.repository.claim(request.scope, request.key, requestHash, this.config.idempotency.ttlMs);
      if (!claimed) {
        const stored = await this.repository.find(request.scope, request.key);
        if (!stored || stored.statusCode === null) {
          // Only possible if the first holder committed without a result, which execute never does.
          throw new AppError('CONFLICT', 'This idempotency key is in an inconsistent state; use a new key');
        }
        if (stored.requestHash !== requestHash) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request');
        }
        return { statusCode: stored.statusCode, body: this.open(stored.response) as T, replayed: true };
      }
      const result = await work();
      await this.repository.complete(request.scope, request.key, result.statusCode, request.sensitive ? this.seal(result.body) : result.body);
      return { ...result, replayed: false };
    });
  }

  onModuleInit(): void {
    const timer = setInterval(() => {
      this.removeExpired().catch((error) => this.logger.warn({ err: error }, 'idempotency cleanup failed'));
    }, this.config.idempotency.cleanupIntervalMs);
    timer.unref();
    this.scheduler.addInterval('idempotency-cleanup', timer);
  }

  /** The periodic cleanup: entries past their TTL are deleted (live ones are kept). */
  async removeExpired(): Promise<number> {
    const removed = await this.repository.deleteExpired();
    if (removed > 0) this.logger.log({ removed }, 'expired idempotency keys removed');
    return removed;
  }

  private seal(body: unknown): { $sealed: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.cipherKey, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
    return { $sealed: Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64') };
  }

  private open(response: unknown): unknown {
    if (!response || typeof response !== 'object' || !('$sealed' in response)) return response;
    const raw = Buffer.from(String((response as { $sealed: string }).$sealed), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.cipherKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  }
}

/** A canonical JSON text: the same object with keys in another order gives the same fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
