import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { ArenaEvents, type UserSanctioned } from '../common/events/arena-events';
import { RoomHistoryPort } from '../common/ports/history.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import type { Caller } from '../identity/caller';
import { MetricsService } from '../telemetry/metrics.service';
import { AuditRepository, type AuditEntry, type AuditFilter } from './audit.repository';
import type { ReportStatus, ReportTargetKind, Resolution } from './entities/report.entity';
import type { SanctionKind } from './entities/sanction.entity';
import { moderationError } from './moderation.errors';
import { ModerationRepository, type Report, type Sanction } from './moderation.repository';
import { ReportContexts } from './report-context';
import { SanctionsService } from './sanctions.service';

export interface FileReportInput {
  targetKind: ReportTargetKind;
  targetId: string;
  reason: string;
  note?: string;
  roomId?: string;
}

export interface SanctionTerms {
  durationSeconds?: number;
  permanent?: boolean;
  roomId?: string;
}

export interface ReportFilterInput {
  status?: ReportStatus;
  targetKind?: ReportTargetKind;
  targetId?: string;
  targetUserId?: string;
  before?: string;
  limit?: number;
}

/** Reports, their resolution, sanctions and the audit log: what moderators do, and what it does to players. */
@Injectable()
export class ModerationService {
  constructor(
    private readonly repository: ModerationRepository,
    private readonly audit: AuditRepository,
    private readonly contexts: ReportContexts,
    private readonly rooms: RoomHistoryPort,
    private readonly sanctions: SanctionsService,
    private readonly tx: TransactionHost,
    private readonly bus: EventEmitter2,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A player reports a user, a message or a room; a repeat on the same open target merges into the first. */
  async fileReport(caller: Caller, input: FileReportInput): Promise<{ report: Report; merged: boolean }> {
    const target = await this.contexts.of(input.targetKind).resolve(input.targetId);
    if (!target) throw moderationError('REPORT_TARGET_NOT_FOUND', `There is no ${input.targetKind} ${input.targetId}`);
    if (target.targetUserId === caller.userId && input.targetKind !== 'room')
      throw moderationError('CANNOT_REPORT_SELF', 'You cannot report yourself');
    let roomId = target.roomId;
    if (input.roomId !== undefined && roomId === null) {
      if (!(await this.rooms.room(input.roomId)))
        throw moderationError('REPORT_TARGET_NOT_FOUND', `There is no room ${input.roomId}`);
      roomId = input.roomId;
    }
    return this.repository.fileReport({
      reporterId: caller.userId,
      targetKind: input.targetKind,
      targetId: input.targetId,
      targetUserId: target.targetUserId,
      roomId,
      reason: input.reason,
      note: input.note?.trim() ?? '',
    });
  }

  listReports(filter: ReportFilterInput): Promise<Report[]> {
    return this.repository.listReports({ ...filter, limit: filter.limit ?? 50 });
  }

  /** A report with what a moderator needs to judge it: the target's context (messages around, room events, history). */
  async openReport(reportId: string): Promise<{ report: Report; context: Record<string, unknown> }> {
    const report = await this.repository.findReport(reportId);
    if (!report) throw moderationError('REPORT_NOT_FOUND', 'No such report');
    return { report, context: await this.contexts.of(report.targetKind).context(report) };
  }

  /**
   * Closes an open report with a decision. The report's status changes only if it was still open, so of
   * two moderators resolving it at once one wins and the other gets REPORT_ALREADY_RESOLVED; the
   * sanction and the audit entry commit with it, and live sockets are told only after the commit.
   */
  async resolveReport(
    caller: Caller,
    reportId: string,
    action: Resolution,
    reason: string,
    terms: SanctionTerms,
  ): Promise<{ report: Report; sanction: Sanction | null }> {
    const existing = await this.repository.findReport(reportId);
    if (!existing) throw moderationError('REPORT_NOT_FOUND', 'No such report');
    if (existing.status !== 'open')
      throw moderationError('REPORT_ALREADY_RESOLVED', 'This report was resolved already', { reportId });
    const planned =
      action === 'dismiss'
        ? null
        : await this.plan(caller, existing.targetUserId, action, {
            ...terms,
            roomId: terms.roomId ?? existing.roomId ?? undefined,
          });
    return this.tx.transaction(async () => {
      const resolved = await this.repository.resolveReport(reportId, caller.userId, action, reason);
      if (!resolved) {
        throw moderationError('REPORT_ALREADY_RESOLVED', 'This report was resolved already', { reportId });
      }
      const sanction = planned ? await this.impose(caller, planned, reason, reportId) : null;
      const report = sanction ? await this.repository.attachSanction(reportId, sanction.id) : resolved;
      await this.audit.append({
        actorId: caller.userId,
        actorRole: caller.role,
        action: 'report.resolve',
        targetKind: 'report',
        targetId: reportId,
        reason,
        details: {
          resolution: action,
          reportTarget: { kind: report.targetKind, id: report.targetId },
          targetUserId: report.targetUserId,
          sanctionId: sanction?.id ?? null,
          expiresAt: sanction?.expiresAt ?? null,
        },
      });
      return { report, sanction };
    });
  }

  /** A sanction without a report (a moderator saw it happen). */
  async sanction(
    caller: Caller,
    userId: string,
    kind: SanctionKind,
    reason: string,
    terms: SanctionTerms,
  ): Promise<Sanction> {
    const planned = await this.plan(caller, userId, kind, terms);
    return this.tx.transaction(async () => {
      const sanction = await this.impose(caller, planned, reason, null);
      await this.audit.append({
        actorId: caller.userId,
        actorRole: caller.role,
        action: 'sanction.create',
        targetKind: 'user',
        targetId: userId,
        reason,
        details: { sanctionId: sanction.id, kind, roomId: sanction.roomId, expiresAt: sanction.expiresAt },
      });
      return sanction;
    });
  }

  /** Ends a sanction early (a mistake, an appeal). */
  async revokeSanction(caller: Caller, sanctionId: string, reason: string): Promise<Sanction> {
    return this.tx.transaction(async () => {
      const existing = await this.repository.findSanction(sanctionId);
      if (!existing) throw moderationError('SANCTION_NOT_FOUND', 'No such sanction');
      // The same rule as for imposing one: nobody lifts their own, and only an admin lifts a moderator's.
      await this.assertMaySanction(caller, existing.userId);
      const revoked = await this.repository.revokeSanction(sanctionId, caller.userId);
      if (!revoked) {
        const current = await this.repository.findSanction(sanctionId);
        throw moderationError('SANCTION_ALREADY_REVOKED', 'This sanction was revoked already', {
          revokedAt: current?.revokedAt ?? null,
        });
      }
      await this.audit.append({
        actorId: caller.userId,
        actorRole: caller.role,
        action: 'sanction.revoke',
        targetKind: 'sanction',
        targetId: sanctionId,
        reason,
        details: { userId: revoked.userId, kind: revoked.kind, roomId: revoked.roomId },
      });
      this.tx.afterCommit(() => this.sanctions.invalidate(revoked.userId));
      return revoked;
    });
  }

  listSanctions(filter: {
    userId?: string;
    kind?: SanctionKind;
    activeOnly: boolean;
    limit?: number;
  }): Promise<Sanction[]> {
    return this.repository.listSanctions({ ...filter, limit: filter.limit ?? 50 });
  }

  searchAudit(filter: Omit<AuditFilter, 'limit'> & { limit?: number }): Promise<AuditEntry[]> {
    return this.audit.search({ ...filter, limit: filter.limit ?? 100 });
  }

  /** Who may impose or lift a sanction on this user: not on oneself, not on an admin, a moderator only by an admin. */
  private async assertMaySanction(caller: Caller, userId: string | null) {
    const user = userId === null ? null : await this.repository.findUser(userId);
    if (!user) throw moderationError('SANCTION_TARGET_NOT_FOUND', 'There is no user to sanction');
    if (user.id === caller.userId)
      throw moderationError('SANCTION_INVALID', 'You cannot sanction yourself or lift your own sanction');
    if (user.role === 'admin' || (user.role === 'moderator' && caller.role !== 'admin')) {
      throw moderationError('CANNOT_SANCTION_STAFF', `A ${user.role} cannot be sanctioned by a ${caller.role}`);
    }
    return user;
  }

  /** Checks a sanction before anything is written: its target, its terms, and that staff are not sanctioned by peers. */
  private async plan(
    caller: Caller,
    userId: string | null,
    kind: SanctionKind,
    terms: SanctionTerms,
  ): Promise<PlannedSanction> {
    const user = await this.assertMaySanction(caller, userId);
    const { durationSeconds, permanent = false, roomId } = terms;
    switch (kind) {
      case 'warn':
        if (durationSeconds !== undefined || permanent)
          throw moderationError('SANCTION_INVALID', 'A warning has no duration');
        return { userId: user.id, kind, roomId: null, durationSeconds: null };
      case 'mute':
        if (durationSeconds === undefined || permanent)
          throw moderationError('SANCTION_INVALID', 'A mute needs durationSeconds (mutes are never permanent)');
        return { userId: user.id, kind, roomId: null, durationSeconds };
      case 'ban':
        if ((durationSeconds === undefined) === !permanent) {
          throw moderationError('SANCTION_INVALID', 'A ban needs either durationSeconds or permanent: true');
        }
        return { userId: user.id, kind, roomId: null, durationSeconds: permanent ? null : (durationSeconds as number) };
      case 'kick': {
        if (permanent) throw moderationError('SANCTION_INVALID', 'A kick is never permanent: ban instead');
        if (roomId === undefined) throw moderationError('SANCTION_INVALID', 'A kick needs the roomId it is from');
        if (!(await this.rooms.room(roomId)))
          throw moderationError('SANCTION_TARGET_NOT_FOUND', `There is no room ${roomId}`);
        return {
          userId: user.id,
          kind,
          roomId,
          durationSeconds: durationSeconds ?? Math.ceil(this.config.moderation.kickDefaultMs / 1000),
        };
      }
    }
  }

  /** Records the sanction in the current transaction; once committed, the lookups forget the user and live sockets are told. */
  private async impose(
    caller: Caller,
    planned: PlannedSanction,
    reason: string,
    reportId: string | null,
  ): Promise<Sanction> {
    const sanction = await this.repository.createSanction({ ...planned, reason, reportId, createdBy: caller.userId });
    this.tx.afterCommit(() => {
      this.sanctions.invalidate(sanction.userId);
      this.metrics.sanctionsApplied.inc({ kind: sanction.kind });
      const event: UserSanctioned = {
        sanctionId: sanction.id,
        userId: sanction.userId,
        kind: sanction.kind,
        expiresAt: sanction.expiresAt,
        roomId: sanction.roomId,
        reason,
      };
      this.bus.emit(ArenaEvents.userSanctioned, event);
    });
    return sanction;
  }
}

interface PlannedSanction {
  userId: string;
  kind: SanctionKind;
  roomId: string | null;
  durationSeconds: number | null;
}
