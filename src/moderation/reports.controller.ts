import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReportThrottle } from '../common/throttling/throttling.module';
import { CurrentCaller } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import { FileReportDto } from './dto/reports.dto';
import { ModerationService } from './moderation.service';

/** The player's side of moderation: reporting a user, a message or a room. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly moderation: ModerationService) {}

  @ApiOperation({
    summary: 'Report a user, a message or a room',
    description:
      'Throttled per reporter (REPORT_THROTTLE_LIMIT per REPORT_THROTTLE_TTL_MS). A repeat on a target whose report is still open merges into it: reportCount grows and merged is true.',
  })
  @ReportThrottle()
  @Post()
  async file(@CurrentCaller() caller: Caller, @Body() body: FileReportDto) {
    const { report, merged } = await this.moderation.fileReport(caller, body);
    return {
      merged,
      report: {
        id: report.id,
        targetKind: report.targetKind,
        targetId: report.targetId,
        reason: report.reason,
        status: report.status,
        reportCount: report.reportCount,
        createdAt: report.createdAt,
      },
    };
  }
}
