import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Rating } from 'openskill';
import { ArenaEvents } from '../common/events/arena-events';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  defaultRating,
  displayRating,
  PERIODS,
  periodStart,
  rateMatch,
  recordMatch,
  type Standing,
} from './domain/standings';
import { standingKey, TelemetryRepository, type StandingRow, type UnratedMatch } from './telemetry.repository';

const BATCH = 200;

/** The new standings of every user of these matches, taken in order (a user may play several of them). */
export function standingsAfter(matches: UnratedMatch[], current: Map<string, StandingRow>): StandingRow[] {
  const changed = new Map<string, StandingRow>();
  const read = (key: string) => changed.get(key) ?? current.get(key) ?? null;
  for (const match of matches) {
    const allKey = (userId: string) =>
      standingKey({ gameId: match.gameId, period: 'all', periodStart: periodStart('all', 0), userId });
    const ratingOf = (userId: string): Rating => {
      const all = read(allKey(userId));
      return all ? { mu: all.mu, sigma: all.sigma } : defaultRating();
    };
    const seats = match.participants.map((p) => ({
      userId: p.kind === 'bot' ? null : p.userId,
      team: p.team,
      win: p.win,
    }));
    const ratings = rateMatch(seats, ratingOf);
    for (const participant of match.participants) {
      if (participant.kind === 'bot' || participant.userId === null) continue;
      const userId = participant.userId;
      const after = ratings.get(userId) ?? ratingOf(userId);
      for (const period of PERIODS) {
        const key = { gameId: match.gameId, period, periodStart: periodStart(period, match.finishedAt), userId };
        const next: Standing = recordMatch(
          read(standingKey(key)),
          participant.win,
          participant.figures,
          after,
          match.finishedAt,
        );
        changed.set(standingKey(key), { ...key, ...next, rating: displayRating(after) });
      }
    }
  }
  return [...changed.values()];
}

/**
 * Counts finished matches into statistics and ratings. The match rows are the outbox: written with the
 * event that finished the game, and rated here in finishing order under one advisory lock, with each
 * match's `rated_at` set in the transaction that wrote its standings, so a match counts exactly once
 * whatever retries, crashes or processes race. Ratings need openskill in Node over the players' current
 * ratings, which the room's one-statement group commit cannot do without slowing every room's writes.
 */
@Injectable()
export class MatchRatingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MatchRatings');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly repository: TelemetryRepository,
    private readonly lifecycle: LifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), this.config.telemetry.ratingIntervalMs);
    this.timer.unref();
    this.wake();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  @OnEvent(ArenaEvents.matchesFinished)
  wake(): void {
    if (this.timer === null || this.lifecycle.draining) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.rateAll().catch((error) => this.logger.warn({ err: error }, 'rating matches failed; retrying later'));
  }

  /** Rates every match waiting (tests and the CLI call it to be sure); resolves with how many this call rated. */
  async rateAll(): Promise<number> {
    if (this.running) await this.running.catch(() => 0);
    const done = this.lifecycle.begin();
    const run = (async () => {
      let total = 0;
      for (;;) {
        this.again = false;
        const rated = await this.repository.rateUnrated(BATCH, standingsAfter);
        total += rated;
        if (rated < BATCH && !this.again) return total;
      }
    })();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = null;
      done();
    }
  }
}
