import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsSeq } from '../../common/dto/is-seq';
import { PERIODS, type Period } from '../domain/standings';
import { LEADERBOARD_METRICS, type LeaderboardMetric } from '../telemetry.types';

export class LeaderboardQueryDto {
  @ApiPropertyOptional({ enum: PERIODS, default: 'all', description: 'all time, this UTC month, or this ISO week' })
  @IsOptional()
  @IsIn(PERIODS)
  period?: Period;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the page before' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000,
    description: 'win-rate boards: fewest games to be ranked (default 5)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  minGames?: number;
}

export class LeaderboardEventDto extends LeaderboardQueryDto {
  @IsString()
  @MaxLength(40)
  gameId: string;

  @IsIn(LEADERBOARD_METRICS)
  metric: LeaderboardMetric;
}

export class KpiQueryDto {
  @ApiProperty({ description: 'start of the range (ISO time, included)' })
  @IsDateString()
  from: string;

  @ApiProperty({ description: 'end of the range (ISO time, excluded)' })
  @IsDateString()
  to: string;
}

export class ReplayQueryDto {
  @ApiProperty({ description: 'the event to replay up to (included)' })
  @Type(() => Number)
  @IsSeq()
  seq: number;
}
