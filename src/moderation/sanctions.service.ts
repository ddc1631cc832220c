import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { SanctionsPort, type ActiveSanction } from '../common/ports/sanctions.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ModerationRepository, type Sanction } from './moderation.repository';

interface CachedSanctions {
  fetchedAt: number;
  sanctions: Sanction[];
}

const MAX_CACHED_USERS = 10_000;

/**
 * Answers "is this user banned, muted, kicked from this room?" for identity, rooms and chat, through
 * the SanctionsPort. A sanction is in force while not revoked and `expires_at` is null or in the future,
 * checked at every read: expiry needs no job. Each user's sanctions are cached for SANCTION_CACHE_MS,
 * and a change made through this process drops that user's entry at once; a change made by another
 * process is seen here when the entry ages out.
 */
@Injectable()
export class SanctionsService implements OnModuleInit {
  private readonly cache = new Map<string, CachedSanctions>();
  /** Bumped by every invalidation: a lookup that began before one must not cache what it read. */
  private epoch = 0;

  constructor(
    private readonly repository: ModerationRepository,
    private readonly port: SanctionsPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.port.use({
      activeBan: (userId) => this.active(userId, (s) => s.kind === 'ban'),
      activeMute: (userId) => this.active(userId, (s) => s.kind === 'mute'),
      activeKick: (userId, roomId) => this.active(userId, (s) => s.kind === 'kick' && s.roomId === roomId),
    });
  }

  /** Forgets what is cached for this user (call after its sanctions changed). */
  invalidate(userId: string): void {
    this.epoch += 1;
    this.cache.delete(userId);
  }

  private async active(userId: string, matches: (sanction: Sanction) => boolean): Promise<ActiveSanction | null> {
    const now = Date.now();
    const found = (await this.sanctionsOf(userId, now)).filter(
      (sanction) => matches(sanction) && (sanction.expiresAt === null || Date.parse(sanction.expiresAt) > now),
    );
    if (found.length === 0) return null;
    // The one that lasts longest is the one the user is told about: a permanent ban first.
    const longest = found.reduce((a, b) => (a.expiresAt === null || (b.expiresAt !== null && a.expiresAt >= b.expiresAt) ? a : b));
    return { kind: longest.kind as ActiveSanction['kind'], expiresAt: longest.expiresAt, reason: longest.reason };
  }

  private async sanctionsOf(userId: string, now: number): Promise<Sanction[]> {
    const ttl = this.config.moderation.sanctionCacheMs;
    const cached = this.cache.get(userId);
    if (cached && now - cached.fetchedAt < ttl) return cached.sanctions;
    const epoch = this.epoch;
    const sanctions = await this.repository.activeSanctionsOf(userId);
    if (ttl > 0 && epoch === this.epoch) {
      if (this.cache.size >= MAX_CACHED_USERS) this.cache.clear();
      this.cache.set(userId, { fetchedAt: now, sanctions });
    }
    return sanctions;
  }
}
