import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SanctionsPort, type ActiveSanction } from '../common/ports/sanctions.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ModerationRepository, type Sanction } from './moderation.repository';

const MAX_CACHED_USERS = 10_000;

/** A read of one user's sanctions in flight, and the cache epoch it began in. */
interface Reading {
  epoch: number;
  sanctions: Promise<Sanction[]>;
}

/**
 * Answers "is this user banned, muted, kicked from this room?" for identity, rooms and chat, through
 * the SanctionsPort. A sanction is in force while not revoked and `expires_at` is null or in the future,
 * checked at every read: expiry needs no job.
 *
 * Users' sanctions are cached until sanctions change anywhere. Every committed change moves
 * sanctions_version on (a trigger; see its migration), and this process reads that number every
 * SANCTION_CACHE_MS and forgets every cached user when it moved: a sanction recorded by another process
 * is enforced here within about SANCTION_CACHE_MS, at one query per process per interval however many
 * users are active, where a per-user expiry cost a query per active user per interval. A change made
 * through this process drops that user's entry at once. If the check fails or falls behind (no success
 * for two intervals), lookups read the database until it succeeds again, so a change is missed for two
 * intervals at most. Only reads made outside any transaction are cached. SANCTION_CACHE_MS=0: no cache.
 */
@Injectable()
export class SanctionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Sanctions');
  private readonly cache = new Map<string, Sanction[]>();
  private readonly reading = new Map<string, Reading>();
  /** Bumped by every invalidation: a read that began before one must not be cached or shared after it. */
  private epoch = 0;
  private version: string | null = null;
  /** When the latest successful version check started; 0 before the first. */
  private checkedAt = 0;
  private checking: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: ModerationRepository,
    private readonly port: SanctionsPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.port.use({
      activeBan: (userId) => this.active(userId, (s) => s.kind === 'ban'),
      activeMute: (userId) => this.active(userId, (s) => s.kind === 'mute'),
      activeKick: (userId, roomId) => this.active(userId, (s) => s.kind === 'kick' && s.roomId === roomId),
    });
    const interval = this.config.moderation.sanctionCacheMs;
    if (interval === 0) return;
    await this.checkVersion();
    this.timer = setInterval(
      () =>
        this.checkVersion().catch((error: unknown) =>
          this.logger.warn({ err: error }, 'reading sanctions_version failed'),
        ),
      interval,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Forgets what is cached for this user (call after its sanctions changed). */
  invalidate(userId: string): void {
    this.epoch += 1;
    this.cache.delete(userId);
  }

  /** Reads sanctions_version and forgets every cached user if it moved; one check at a time. */
  checkVersion(): Promise<void> {
    this.checking ??= (async () => {
      const startedAt = Date.now();
      const version = await this.repository.sanctionsVersion();
      if (version !== this.version) {
        this.epoch += 1;
        this.cache.clear();
        this.version = version;
      }
      this.checkedAt = startedAt;
    })().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async active(userId: string, matches: (sanction: Sanction) => boolean): Promise<ActiveSanction | null> {
    const found = (await this.sanctionsOf(userId)).filter(matches);
    const now = Date.now();
    const inForce = found.filter((sanction) => sanction.expiresAt === null || Date.parse(sanction.expiresAt) > now);
    if (inForce.length === 0) return null;
    // The one that lasts longest is the one the user is told about: a permanent ban first.
    const longest = inForce.reduce((a, b) =>
      a.expiresAt === null || (b.expiresAt !== null && a.expiresAt >= b.expiresAt) ? a : b,
    );
    return { kind: longest.kind as ActiveSanction['kind'], expiresAt: longest.expiresAt, reason: longest.reason };
  }

  private sanctionsOf(userId: string): Promise<Sanction[]> {
    const interval = this.config.moderation.sanctionCacheMs;
    if (interval === 0 || Date.now() - this.checkedAt > 2 * interval) return this.repository.activeSanctionsOf(userId);
    // Inside a transaction a read may see that transaction's own uncommitted changes, and it runs on its
    // connection: it is neither cached nor shared with other callers.
    if (this.repository.inTransaction()) return this.repository.activeSanctionsOf(userId);
    const cached = this.cache.get(userId);
    if (cached) return Promise.resolve(cached);
    const inFlight = this.reading.get(userId);
    if (inFlight && inFlight.epoch === this.epoch) return inFlight.sanctions;
    const epoch = this.epoch;
    const reading: Reading = {
      epoch,
      sanctions: this.repository.activeSanctionsOf(userId).then((sanctions) => {
        if (epoch === this.epoch) this.remember(userId, sanctions);
        return sanctions;
      }),
    };
    this.reading.set(userId, reading);
    const forget = () => {
      if (this.reading.get(userId) === reading) this.reading.delete(userId);
    };
    reading.sanctions.then(forget, forget);
    return reading.sanctions;
  }

  private remember(userId: string, sanctions: Sanction[]): void {
    // The oldest entry makes room: a Map iterates in insertion order.
    if (this.cache.size >= MAX_CACHED_USERS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, sanctions);
  }
}
