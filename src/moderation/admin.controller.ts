import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentCaller, Roles } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import {
  AuditQueryDto,
  CreateSanctionDto,
  ListReportsQueryDto,
  ListSanctionsQueryDto,
  PolicyCheckDto,
  ProposeRuleSetDto,
  ResolveReportDto,
  RevokeSanctionDto,
  RolloutDecisionDto,
  RolloutPercentDto,
} from './dto/admin.dto';
import { moderationError } from './moderation.errors';
import { ModerationService } from './moderation.service';
import { PolicyService } from './policy.service';

const RULE_SET_VERSION = /^[\w.:+-]{1,64}$/;

/**
 * Moderators' and admins' REST: reports, sanctions, the audit log and the content policy's rollout.
 * Changing rule sets is for admins only. Every mutating route takes an Idempotency-Key.
 */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: no or unknown session' })
@ApiForbiddenResponse({ description: 'FORBIDDEN: needs role moderator or admin (admin for rule-set changes)' })
@Roles('moderator', 'admin')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly moderation: ModerationService,
    private readonly policy: PolicyService,
  ) {}

  @ApiOperation({ summary: 'List reports, newest first, by status and target' })
  @Get('reports')
  async reports(@Query() query: ListReportsQueryDto) {
    return { reports: await this.moderation.listReports(query) };
  }

  @ApiOperation({
    summary:
      'Open a report with its context (messages around it, the room\u2019s recent public events, the user\u2019s history)',
  })
  @Get('reports/:reportId')
  openReport(@Param('reportId', ParseUUIDPipe) reportId: string) {
    return this.moderation.openReport(reportId);
  }

  @ApiOperation({
    summary:
      'Resolve an open report: dismiss, warn, mute, ban or kick. A second resolution gets 409 REPORT_ALREADY_RESOLVED.',
  })
  @HttpCode(200)
  @Post('reports/:reportId/resolve')
  resolve(
    @CurrentCaller() caller: Caller,
    @Param('reportId', ParseUUIDPipe) reportId: string,
    @Body() body: ResolveReportDto,
  ) {
    const { action, reason, ...terms } = body;
    return this.moderation.resolveReport(caller, reportId, action, reason, terms);
  }

  @ApiOperation({ summary: 'Sanction a user directly (warn, mute, ban, kick from a room)' })
  @Post('sanctions')
  async sanction(@CurrentCaller() caller: Caller, @Body() body: CreateSanctionDto) {
    const { userId, kind, reason, ...terms } = body;
    return { sanction: await this.moderation.sanction(caller, userId, kind, reason, terms) };
  }

  @ApiOperation({ summary: 'List sanctions, newest first' })
  @Get('sanctions')
  async sanctions(@Query() query: ListSanctionsQueryDto) {
    return {
      sanctions: await this.moderation.listSanctions({
        userId: query.userId,
        kind: query.kind,
        activeOnly: query.active === 'true',
        limit: query.limit,
      }),
    };
  }

  @ApiOperation({ summary: 'End a sanction early' })
  @HttpCode(200)
  @Post('sanctions/:sanctionId/revoke')
  async revoke(
    @CurrentCaller() caller: Caller,
    @Param('sanctionId', ParseUUIDPipe) sanctionId: string,
    @Body() body: RevokeSanctionDto,
  ) {
    return { sanction: await this.moderation.revokeSanction(caller, sanctionId, body.reason) };
  }

  @ApiOperation({ summary: 'Search the audit log (append-only), newest first' })
  @Get('audit')
  async audit(@Query() query: AuditQueryDto) {
    const { q, ...filter } = query;
    return { entries: await this.moderation.searchAudit({ ...filter, text: q }) };
  }

  @ApiOperation({
    summary:
      'What the content policy decides for a text (and which rule set, bucket and rule); counted like any decision',
  })
  @HttpCode(200)
  @Post('policy/check')
  check(@Body() body: PolicyCheckDto) {
    return this.policy.verdict(body.text, body.surface, body.roomId);
  }

  @ApiOperation({
    summary: 'The rollout: active and candidate rule sets, and decisions per canary bucket (all processes)',
  })
  @Get('rollout')
  rollout() {
    return this.policy.counters();
  }

  @ApiOperation({ summary: 'Stage a candidate rule set for a share of rooms (replaces any candidate). Admin only.' })
  @Roles('admin')
  @Post('rollout/candidate')
  async propose(@CurrentCaller() caller: Caller, @Body() body: ProposeRuleSetDto) {
    return { rollout: await this.policy.propose(caller, body.ruleSet, body.percent, body.reason ?? null) };
  }

  @ApiOperation({ summary: 'Set the share of rooms that use the candidate (0: off). Admin only.' })
  @Roles('admin')
  @Put('rollout/percent')
  async percent(@CurrentCaller() caller: Caller, @Body() body: RolloutPercentDto) {
    return { rollout: await this.policy.setPercent(caller, body.percent, body.reason ?? null) };
  }

  @ApiOperation({ summary: 'Make the candidate the active rule set for every room. Admin only.' })
  @Roles('admin')
  @HttpCode(200)
  @Post('rollout/promote')
  async promote(@CurrentCaller() caller: Caller, @Body() body: RolloutDecisionDto) {
    return { rollout: await this.policy.promote(caller, body.reason ?? null) };
  }

  @ApiOperation({ summary: 'Drop the candidate: every room back on the active rule set. Admin only.' })
  @Roles('admin')
  @HttpCode(200)
  @Post('rollout/rollback')
  async rollback(@CurrentCaller() caller: Caller, @Body() body: RolloutDecisionDto) {
    return { rollout: await this.policy.rollback(caller, body.reason ?? null) };
  }

  @ApiOperation({ summary: 'List rule sets (without their rules)' })
  @Get('rule-sets')
  async ruleSets() {
    return { ruleSets: await this.policy.listRuleSets(), rollout: this.policy.state() };
  }

  @ApiOperation({ summary: 'One rule set with its rules' })
  @Get('rule-sets/:version')
  async ruleSet(@Param('version') version: string) {
    if (!RULE_SET_VERSION.test(version)) throw moderationError('RULE_SET_NOT_FOUND', `There is no rule set ${version}`);
    return { ruleSet: await this.policy.ruleSet(version) };
  }
}
