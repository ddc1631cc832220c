import { Global, Module } from '@nestjs/common';
import { GamesModule } from '../games/games.module';
import { KpisService } from './kpis.service';
import { MatchRatingService } from './match-ratings.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RoomAuditService } from './room-audit.service';
import { ScrapeMetrics } from './scrape-metrics.service';
import { StatsGateway } from './stats.gateway';
import { StatsService } from './stats.service';
import { OpsController, RoomAuditController, StatsController } from './telemetry.controller';
import { TelemetryRepository } from './telemetry.repository';

/** Prometheus metrics (global: every module counts), and the Prometheus registry's providers. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}

/**
 * Match results, player statistics and ratings, leaderboards, KPIs, room export, replay and the fold
 * check: all read from what is stored (room events, matches), never from counters a restart forgets.
 */
@Module({
  imports: [GamesModule],
  controllers: [StatsController, OpsController, RoomAuditController],
  providers: [
    TelemetryRepository,
    MatchRatingService,
    StatsService,
    KpisService,
    RoomAuditService,
    StatsGateway,
    ScrapeMetrics,
  ],
  exports: [MatchRatingService, RoomAuditService],
})
export class TelemetryModule {}
