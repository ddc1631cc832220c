import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionHost } from '../../database/transaction-host';
import { AppError } from '../errors/app-error';
import { IdempotencyRepository, type StoredResult } from './idempotency.repository';

export interface IdempotentRequest {
  /** Whose key it is: `user:<id>`, or `ip:<address>` for anonymous calls. */
  scope: string;
  key: string;
  /** What the request asked for; the same key with another fingerprint is refused. */
  fingerprint: string;
  /** Store the result encrypted (it carries a credential shown once). */
  sensitive?: boolean;
  /**
   * The work commits its effects itself, through paths that take their own connections (the room
   * runtime's group commit): it runs outside the store's transaction, and must be safe to run again
   * with the same key (its own action ids), since a crash between its commit and the stored answer
   * lets a retry run it again once the claim's lease is over.
   */
  outsideTransaction?: boolean;
}

export interface IdempotentResult<T> {
  statusCode: number;
  body: T;
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** How often a copy waiting on a claim held by another process looks again, at most. */
const MAX_POLL_MS = 200;

interface Running {
  requestHash: string;
  result: Promise<{ statusCode: number; body: unknown; replayed: boolean }>;
}

/**
 * Exactly-once execution (Invariant 2). A key is first claimed by a committed row (one statement, so
 * no connection ever waits on a lock held by work in progress); then the work runs, and its effect and
 * the stored answer commit in one transaction, so a crash between the two loses neither and leaves no
 * second effect: the claim stays until its lease runs out and a retry takes it over. A concurrent copy
 * holds no connection while it waits: in this process it waits for the first copy's promise, in
 * another it looks again until the answer is stored or the lease has run out.
 *
 * The work runs on the transaction's one connection: it must not need a second one meanwhile (work that
 * does, like a room command's group commit, is `outsideTransaction`).
 */
@Injectable()
export class IdempotencyService implements OnModuleInit {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly cipherKey: Buffer;
  /** Keys being worked on by this process. */
  private readonly running = new Map<string, Running>();

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
    const id = `${request.scope}\u0000${request.key}`;
    const running = this.running.get(id);
    if (running) {
      if (running.requestHash !== requestHash) throw reused();
      // A copy shares the first one's outcome, its error included: it is the same request, at the same time.
      const first = await running.result;
      return { statusCode: first.statusCode, body: first.body as T, replayed: true };
    }
    const entry: Running = { requestHash, result: this.run(request, requestHash, work) };
    this.running.set(id, entry);
    try {
      return (await entry.result) as IdempotentResult<T>;
    } finally {
      if (this.running.get(id) === entry) this.running.delete(id);
    }
  }

  /** Claims the key, or waits (without a connection) for whoever holds it, then works or replays. */
  private async run<T>(
    request: IdempotentRequest,
    requestHash: string,
    work: () => Promise<{ statusCode: number; body: T }>,
  ): Promise<IdempotentResult<T>> {
    const { scope, key } = request;
    const { ttlMs, leaseMs } = this.config.idempotency;
    const token = randomUUID();
    const giveUpAt = Date.now() + leaseMs + MAX_POLL_MS;
    let stored: StoredResult | undefined;
    for (let pause = 5; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      // Only a key that looks free is claimed: a copy waiting on a live claim just reads, never queuing on its row.
      const free = !stored || (stored.statusCode === null && stored.leaseLeftMs <= 0);
      if (free && (await this.repository.claim(scope, key, requestHash, token, ttlMs, leaseMs)))
        return this.perform(request, token, work);
      stored = await this.repository.find(scope, key);
      if (stored) {
        if (stored.requestHash !== requestHash) throw reused();
        if (stored.statusCode !== null)
          return { statusCode: stored.statusCode, body: this.open(stored.response) as T, replayed: true };
      }
      // Held by another process (or by one that died: then its lease runs out and the claim is ours).
      if (Date.now() >= giveUpAt) {
        throw new AppError(
          'IDEMPOTENCY_KEY_IN_PROGRESS',
          'A request with this idempotency key is still being processed; retry',
          { retryable: true },
        );
      }
      const wait = stored ? Math.max(1, Math.min(pause, stored.leaseLeftMs)) : 1;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (stored) stored.leaseLeftMs -= wait;
    }
  }

  private async perform<T>(
    request: IdempotentRequest,
    token: string,
    work: () => Promise<{ statusCode: number; body: T }>,
  ): Promise<IdempotentResult<T>> {
    const { scope, key } = request;
    const store = (result: { statusCode: number; body: T }) =>
      this.repository.complete(
        scope,
        key,
        token,
        result.statusCode,
        request.sensitive ? this.seal(result.body) : result.body,
      );
    try {
      if (request.outsideTransaction) {
        const result = await work();
        if (!(await store(result)))
          this.logger.warn({ scope, key }, 'an idempotent request outlived its lease; another copy may have run');
        return { ...result, replayed: false };
      }
      return await this.tx.transaction(async () => {
        const result = await work();
        // The lease ran out and another copy took over: this one must leave no effect.
        if (!(await store(result)))
          throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', 'This request took too long and is being retried; retry', {
            retryable: true,
          });
        return { ...result, replayed: false };
      });
    } catch (error) {
      // Nothing is stored for a failure (unless it was the commit's answer that got lost: then the key stays answered).
      await this.repository
        .release(scope, key, token)
        .catch((failure: unknown) =>
          this.logger.warn({ err: failure, scope }, 'could not release an idempotency claim; its lease will'),
        );
      throw error;
    }
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

function reused(): AppError {
  return new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request');
}
