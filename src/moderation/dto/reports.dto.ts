import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { ReportTargetKind } from '../entities/report.entity';

export const REPORT_TARGET_KINDS = ['user', 'message', 'room'] as const;
export const REPORT_REASONS = [
  'spam',
  'harassment',
  'hate',
  'threat',
  'self_harm',
  'sexual',
  'cheating',
  'name',
  'other',
] as const;

export class FileReportDto {
  @ApiProperty({ enum: REPORT_TARGET_KINDS })
  @IsIn(REPORT_TARGET_KINDS)
  targetKind: ReportTargetKind;

  @ApiProperty({ format: 'uuid', description: 'The user, message or room id' })
  @IsUUID()
  targetId: string;

  @ApiProperty({ enum: REPORT_REASONS })
  @IsIn(REPORT_REASONS)
  reason: (typeof REPORT_REASONS)[number];

  @ApiPropertyOptional({ maxLength: 1000, description: 'What happened, in the reporter\u2019s words' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'For a user report: the room where it happened' })
  @IsOptional()
  @IsUUID()
  roomId?: string;
}
