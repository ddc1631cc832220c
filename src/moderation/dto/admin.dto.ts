import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SURFACES, type Surface } from '../domain/policy';
import type { AuditTargetKind } from '../entities/audit-entry.entity';
import type { ReportStatus, ReportTargetKind, Resolution } from '../entities/report.entity';
import type { SanctionKind } from '../entities/sanction.entity';
import { REPORT_TARGET_KINDS } from './reports.dto';

export const RESOLUTIONS = ['dismiss', 'warn', 'mute', 'ban', 'kick'] as const;
export const SANCTION_KINDS = ['warn', 'mute', 'ban', 'kick'] as const;
export const AUDIT_TARGET_KINDS = ['user', 'message', 'room', 'report', 'sanction', 'rule_set'] as const;
/** A year, in seconds: longer sanctions are permanent bans. */
const MAX_DURATION_SECONDS = 366 * 24 * 3600;

export class ListReportsQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: ReportStatus;

  @ApiPropertyOptional({ enum: REPORT_TARGET_KINDS })
  @IsOptional()
  @IsIn(REPORT_TARGET_KINDS)
  targetKind?: ReportTargetKind;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  targetId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Reports about this user (as the user, the sender or the host)' })
  @IsOptional()
  @IsUUID()
  targetUserId?: string;

  @ApiPropertyOptional({ description: 'Only reports last reported before this time (paging)' })
  @IsOptional()
  @IsDateString()
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** Shared by resolving a report and sanctioning directly: how long, and for kicks which room. */
class SanctionTermsDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_DURATION_SECONDS,
    description: 'Mute: required. Ban: required unless permanent. Kick: defaults to KICK_DEFAULT_MINUTES.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DURATION_SECONDS)
  durationSeconds?: number;

  @ApiPropertyOptional({ description: 'Ban for good (no durationSeconds)' })
  @IsOptional()
  @IsBoolean()
  permanent?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Kick: the room (defaults to the report\u2019s room)' })
  @IsOptional()
  @IsUUID()
  roomId?: string;
}

export class ResolveReportDto extends SanctionTermsDto {
  @ApiProperty({ enum: RESOLUTIONS })
  @IsIn(RESOLUTIONS)
  action: Resolution;

  @ApiProperty({ maxLength: 1000, description: 'Why; kept in the audit log and told to the sanctioned user' })
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class CreateSanctionDto extends SanctionTermsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;

  @ApiProperty({ enum: SANCTION_KINDS })
  @IsIn(SANCTION_KINDS)
  kind: SanctionKind;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class RevokeSanctionDto {
  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason: string;
}

export class ListSanctionsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ enum: SANCTION_KINDS })
  @IsOptional()
  @IsIn(SANCTION_KINDS)
  kind?: SanctionKind;

  @ApiPropertyOptional({ description: 'true: only bans, mutes and kicks in force now' })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class AuditQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'report.resolve' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/)
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_TARGET_KINDS })
  @IsOptional()
  @IsIn(AUDIT_TARGET_KINDS)
  targetKind?: AuditTargetKind;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  targetId?: string;

  @ApiPropertyOptional({ description: 'From this time (inclusive)' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'Until this time (exclusive)' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ description: 'Words in the reason (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ description: 'Entries older than this id (paging, newest first)' })
  @IsOptional()
  @Matches(/^[0-9]{1,18}$/, { message: 'beforeId must be an audit entry id (up to 18 digits)' }) // any 18 digits fit a bigint
  beforeId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Every rollout change may say why; the reason goes to the audit log. */
export class RolloutDecisionDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class RolloutPercentDto extends RolloutDecisionDto {
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    description: 'Share of rooms (canary buckets below it) that use the candidate',
  })
  @IsInt()
  @Min(0)
  @Max(100)
  percent: number;
}

export class ProposeRuleSetDto extends RolloutPercentDto {
  @ApiProperty({
    description: 'A rule set (see docs/moderation.md): { version, lists?, categories }',
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  ruleSet: Record<string, unknown>;
}

export class PolicyCheckDto {
  @ApiProperty({ maxLength: 4000 })
  @IsString()
  @Length(1, 4000)
  text: string;

  @ApiProperty({ enum: SURFACES })
  @IsIn(SURFACES)
  surface: Surface;

  @ApiPropertyOptional({ format: 'uuid', description: 'The room whose canary bucket applies' })
  @IsOptional()
  @IsUUID()
  roomId?: string;
}
