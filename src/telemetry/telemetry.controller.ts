import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '../common/errors/app-error';
import { Roles } from '../identity/auth.decorators';
import { KpiQueryDto, LeaderboardQueryDto, ReplayQueryDto } from './dto/telemetry.dto';
import { KpisService } from './kpis.service';
import { RoomAuditService } from './room-audit.service';
import { StatsService } from './stats.service';
import { LEADERBOARD_METRICS, type LeaderboardMetric } from './telemetry.types';

@ApiTags('stats')
@ApiBearerAuth()
@Controller()
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @ApiOperation({
    summary: 'A leaderboard of one game by rating, wins or win-rate, over all time, this month or this week',
  })
  @Get('leaderboards/:gameId/:metric')
  leaderboard(@Param('gameId') gameId: string, @Param('metric') metric: string, @Query() query: LeaderboardQueryDto) {
    if (!LEADERBOARD_METRICS.includes(metric as LeaderboardMetric))
      throw new AppError('VALIDATION_FAILED', `metric must be one of ${LEADERBOARD_METRICS.join(', ')}`, [
        { field: 'metric', errors: ['metric must be one of the allowed values'] },
      ]);
    return this.stats.leaderboard({ ...query, gameId, metric: metric as LeaderboardMetric });
  }

  @ApiOperation({ summary: "A player's statistics and rating in every game it played" })
  @Get('players/:userId/stats')
  player(@Param('userId', ParseUUIDPipe) userId: string) {
    return this.stats.player(userId);
  }
}

@ApiTags('ops')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'FORBIDDEN: needs role admin' })
@Roles('admin')
@Controller('ops')
export class OpsController {
  constructor(private readonly kpis: KpisService) {}

  @ApiOperation({ summary: 'KPIs over [from, to): funnel, quick match, reconnects, refused joins, match length, …' })
  @Get('kpis')
  report(@Query() query: KpiQueryDto) {
    return this.kpis.report(query.from, query.to);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'FORBIDDEN: needs role moderator or admin' })
@Roles('moderator', 'admin')
@Controller('admin/rooms')
export class RoomAuditController {
  constructor(private readonly audit: RoomAuditService) {}

  @ApiOperation({ summary: "A room's stored events, one JSON object a line, streamed page by page" })
  @ApiProduces('application/x-ndjson')
  @Get(':roomId/events.ndjson')
  async events(@Param('roomId', ParseUUIDPipe) roomId: string, @Res() response: Response): Promise<void> {
    const lines = this.audit.exportLines(roomId);
    // The first page answers ROOM_NOT_FOUND through the error filter before anything is sent.
    const first = await lines.next();
    response.status(200).setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    if (!first.done) await write(response, first.value);
    try {
      for await (const chunk of lines) {
        if (response.destroyed) return;
        await write(response, chunk);
      }
      response.end();
    } catch {
      // Half an export must not look whole: the reader sees the connection cut, not a clean end.
      response.destroy();
    }
  }

  @ApiOperation({ summary: 'The room after event seq, folded from its events, with every viewer\u2019s view' })
  @Get(':roomId/replay')
  replay(@Param('roomId', ParseUUIDPipe) roomId: string, @Query() query: ReplayQueryDto) {
    return this.audit.replay(roomId, query.seq);
  }
}

/** Writes a chunk and waits for the socket to drain when its buffer is full (a slow reader slows the export). */
function write(response: Response, chunk: string): Promise<void> {
  if (response.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
