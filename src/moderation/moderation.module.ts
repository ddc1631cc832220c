import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AuditRepository } from './audit.repository';
import { ModerationRepository } from './moderation.repository';
import { ModerationService } from './moderation.service';
import { PolicyService } from './policy.service';
import { MessageContextSource, ReportContexts, RoomContextSource, UserContextSource } from './report-context';
import { ReportsController } from './reports.controller';
import { SanctionEffects } from './sanction-effects.listener';
import { SanctionsService } from './sanctions.service';

/**
 * Moderation: the content policy (installed into ContentPolicyPort) with its staged rollout, player
 * reports, sanctions (installed into SanctionsPort, acted on live sockets), the audit log, and the
 * admin REST under /admin. Other modules reach it only through the ports and the event bus.
 */
@Module({
  controllers: [ReportsController, AdminController],
  providers: [
    ModerationRepository,
    AuditRepository,
    PolicyService,
    SanctionsService,
    ModerationService,
    SanctionEffects,
    UserContextSource,
    RoomContextSource,
    MessageContextSource,
    ReportContexts,
  ],
  exports: [PolicyService, SanctionsService],
})
export class ModerationModule {}
