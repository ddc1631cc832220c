import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { Role } from '../identity/caller';
import type { RuleSet } from './domain/rule-set';
import type { ReportStatus, ReportTargetKind, Resolution } from './entities/report.entity';
import type { RuleSetStatus } from './entities/rule-set.entity';
import type { SanctionKind } from './entities/sanction.entity';

export interface Report {
  id: string;
  reporterId: string;
  targetKind: ReportTargetKind;
  targetId: string;
  targetUserId: string | null;
  roomId: string | null;
  reason: string;
  note: string;
  status: ReportStatus;
  reportCount: number;
  createdAt: string;
  lastReportedAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: Resolution | null;
  resolutionNote: string | null;
  sanctionId: string | null;
}

export interface Sanction {
  id: string;
  userId: string;
  kind: SanctionKind;
  roomId: string | null;
  reason: string;
  reportId: string | null;
  createdBy: string | null;
  createdAt: string;
  /** null: permanent (bans) or not timed (warnings). */
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface StoredRuleSet {
  version: string;
  rules: RuleSet;
  status: RuleSetStatus;
  canaryPercent: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CounterRow {
  ruleSetVersion: string;
  bucket: number;
  outcome: string;
  count: number;
}

export interface NewReport {
  reporterId: string;
  targetKind: ReportTargetKind;
  targetId: string;
  targetUserId: string | null;
  roomId: string | null;
  reason: string;
  note: string;
}

export interface ReportFilter {
  status?: ReportStatus;
  targetKind?: ReportTargetKind;
  targetId?: string;
  targetUserId?: string;
  before?: string;
  limit: number;
}

export interface NewSanction {
  userId: string;
  kind: SanctionKind;
  roomId: string | null;
  reason: string;
  reportId: string | null;
  createdBy: string;
  /** Seconds from now; null for a permanent ban or a warning. */
  durationSeconds: number | null;
}

export interface SanctionFilter {
  userId?: string;
  kind?: SanctionKind;
  activeOnly: boolean;
  limit: number;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

interface ReportRecord {
  id: string;
  reporter_id: string;
  target_kind: ReportTargetKind;
  target_id: string;
  target_user_id: string | null;
  room_id: string | null;
  reason: string;
  note: string;
  status: ReportStatus;
  report_count: number;
  created_at: Date;
  last_reported_at: Date;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution: Resolution | null;
  resolution_note: string | null;
  sanction_id: string | null;
}

function toReport(row: ReportRecord): Report {
  return {
    id: row.id,
    reporterId: row.reporter_id,
    targetKind: row.target_kind,
    targetId: row.target_id,
    targetUserId: row.target_user_id,
    roomId: row.room_id,
    reason: row.reason,
    note: row.note,
    status: row.status,
    reportCount: row.report_count,
    createdAt: row.created_at.toISOString(),
    lastReportedAt: row.last_reported_at.toISOString(),
    resolvedBy: row.resolved_by,
    resolvedAt: iso(row.resolved_at),
    resolution: row.resolution,
    resolutionNote: row.resolution_note,
    sanctionId: row.sanction_id,
  };
}

interface SanctionRecord {
  id: string;
  user_id: string;
  kind: SanctionKind;
  room_id: string | null;
  reason: string;
  report_id: string | null;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

function toSanction(row: SanctionRecord): Sanction {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    roomId: row.room_id,
    reason: row.reason,
    reportId: row.report_id,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}

interface RuleSetRecord {
  version: string;
  rules: RuleSet;
  status: RuleSetStatus;
  canary_percent: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

function toRuleSet(row: RuleSetRecord): StoredRuleSet {
  return {
    version: row.version,
    rules: row.rules,
    status: row.status,
    canaryPercent: row.canary_percent,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** TypeORM answers UPDATE and DELETE with `[rows, rowCount]`, everything else with the rows. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as T[];
  return result as T[];
}

const SANCTION_ACTIVE = `revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;

/** All of the moderation module's SQL but the audit log's: reports, sanctions, rule sets, counters, context. */
@Injectable()
export class ModerationRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** True inside an enclosing transaction, whose reads may see its own uncommitted changes. */
  inTransaction(): boolean {
    return this.tx.manager.queryRunner?.isTransactionActive === true;
  }

  private async query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return rowsOf<T>(await this.tx.manager.query(sql, parameters));
  }

  // Reports

  /** Files a report, or merges it into the reporter's open report on the same target (counted, note appended). */
  async fileReport(input: NewReport): Promise<{ report: Report; merged: boolean }> {
    const rows = await this.query<ReportRecord & { merged: boolean }>(
      `INSERT INTO reports (reporter_id, target_kind, target_id, target_user_id, room_id, reason, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (reporter_id, target_kind, target_id) WHERE status = 'open'
       DO UPDATE SET report_count = reports.report_count + 1,
                     last_reported_at = now(),
                     reason = EXCLUDED.reason,
                     note = CASE WHEN EXCLUDED.note = '' THEN reports.note
                                 WHEN reports.note = '' THEN EXCLUDED.note
                                 ELSE left(reports.note || E'\\n' || EXCLUDED.note, 1000) END
       RETURNING *, (xmax <> 0) AS merged`,
      [input.reporterId, input.targetKind, input.targetId, input.targetUserId, input.roomId, input.reason, input.note],
    );
    return { report: toReport(rows[0]), merged: rows[0].merged };
  }

  async findReport(id: string): Promise<Report | null> {
    const rows = await this.query<ReportRecord>(`SELECT * FROM reports WHERE id = $1`, [id]);
    return rows[0] ? toReport(rows[0]) : null;
  }

  async listReports(filter: ReportFilter): Promise<Report[]> {
    const rows = await this.query<ReportRecord>(
      `SELECT * FROM reports
       WHERE ($1::text IS NULL OR status = $1)
         AND ($2::text IS NULL OR target_kind = $2)
         AND ($3::uuid IS NULL OR target_id = $3)
         AND ($4::uuid IS NULL OR target_user_id = $4)
         AND ($5::timestamptz IS NULL OR last_reported_at < $5)
       ORDER BY last_reported_at DESC, id
       LIMIT $6`,
      [
        filter.status ?? null,
        filter.targetKind ?? null,
        filter.targetId ?? null,
        filter.targetUserId ?? null,
        filter.before ?? null,
        filter.limit,
      ],
    );
    return rows.map(toReport);
  }

  /** Closes an open report; null when it is not open (another moderator won) or does not exist. */
  async resolveReport(
    id: string,
    resolvedBy: string,
    resolution: Resolution,
    note: string | null,
  ): Promise<Report | null> {
    const rows = await this.query<ReportRecord>(
      `UPDATE reports SET status = 'resolved', resolved_by = $2, resolved_at = now(), resolution = $3, resolution_note = $4
       WHERE id = $1 AND status = 'open'
       RETURNING *`,
      [id, resolvedBy, resolution, note],
    );
    return rows[0] ? toReport(rows[0]) : null;
  }

  async attachSanction(reportId: string, sanctionId: string): Promise<Report> {
    const rows = await this.query<ReportRecord>(`UPDATE reports SET sanction_id = $2 WHERE id = $1 RETURNING *`, [
      reportId,
      sanctionId,
    ]);
    return toReport(rows[0]);
  }

  // Sanctions

  async createSanction(input: NewSanction): Promise<Sanction> {
    const rows = await this.query<SanctionRecord>(
      `INSERT INTO sanctions (user_id, kind, room_id, reason, report_id, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::integer IS NULL THEN NULL ELSE now() + make_interval(secs => $7::integer) END)
       RETURNING *`,
      [input.userId, input.kind, input.roomId, input.reason, input.reportId, input.createdBy, input.durationSeconds],
    );
    return toSanction(rows[0]);
  }

  async findSanction(id: string): Promise<Sanction | null> {
    const rows = await this.query<SanctionRecord>(`SELECT * FROM sanctions WHERE id = $1`, [id]);
    return rows[0] ? toSanction(rows[0]) : null;
  }

  async listSanctions(filter: SanctionFilter): Promise<Sanction[]> {
    const rows = await this.query<SanctionRecord>(
      `SELECT * FROM sanctions
       WHERE ($1::uuid IS NULL OR user_id = $1)
         AND ($2::text IS NULL OR kind = $2)
         AND (NOT $3::boolean OR (kind <> 'warn' AND ${SANCTION_ACTIVE}))
       ORDER BY created_at DESC, id
       LIMIT $4`,
      [filter.userId ?? null, filter.kind ?? null, filter.activeOnly, filter.limit],
    );
    return rows.map(toSanction);
  }

  /** Ends a sanction early; null when it was already revoked or does not exist. */
  async revokeSanction(id: string, revokedBy: string): Promise<Sanction | null> {
    const rows = await this.query<SanctionRecord>(
      `UPDATE sanctions SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
      [id, revokedBy],
    );
    return rows[0] ? toSanction(rows[0]) : null;
  }

  /** The user's bans, mutes and kicks in force now (the sanctions lookup caches this per user). */
  async activeSanctionsOf(userId: string): Promise<Sanction[]> {
    const rows = await this.query<SanctionRecord>(
      `SELECT * FROM sanctions WHERE user_id = $1 AND kind <> 'warn' AND ${SANCTION_ACTIVE} ORDER BY expires_at DESC NULLS FIRST`,
      [userId],
    );
    return rows.map(toSanction);
  }

  /** Moves on with every committed change to sanctions (see migration SanctionsVersion). */
  async sanctionsVersion(): Promise<string> {
    const rows = await this.query<{ version: string }>(`SELECT version FROM sanctions_version`);
    return rows[0].version;
  }

  // Targets and context

  async findUser(userId: string): Promise<{ id: string; role: Role; displayName: string; kind: string } | null> {
    const rows = await this.query<{ id: string; role: Role; display_name: string; kind: string }>(
      `SELECT id, role, display_name, kind FROM users WHERE id = $1`,
      [userId],
    );
    return rows[0]
      ? { id: rows[0].id, role: rows[0].role, displayName: rows[0].display_name, kind: rows[0].kind }
      : null;
  }

  // Rule sets and rollout counters

  /** Stores Arena's built-in rules as the active set, unless some set is active already (any process may race here). */
  async ensureActiveRuleSet(ruleSet: RuleSet): Promise<void> {
    await this.query(
      `INSERT INTO rule_sets (version, rules, status)
       SELECT $1, $2::jsonb, 'active'
       WHERE NOT EXISTS (SELECT 1 FROM rule_sets WHERE status = 'active')
       ON CONFLICT DO NOTHING`,
      [ruleSet.version, JSON.stringify(ruleSet)],
    );
  }

  async liveRuleSets(): Promise<StoredRuleSet[]> {
    const rows = await this.query<RuleSetRecord>(`SELECT * FROM rule_sets WHERE status IN ('active', 'candidate')`);
    return rows.map(toRuleSet);
  }

  /** Which rule sets are live and at what percentage: the cheap question each process asks to stay in step. */
  async liveRuleSetStamp(): Promise<string> {
    const rows = await this.query<{ stamp: string | null }>(
      `SELECT string_agg(status || ':' || version || ':' || canary_percent, ',' ORDER BY status) AS stamp
       FROM rule_sets WHERE status IN ('active', 'candidate')`,
    );
    return rows[0].stamp ?? '';
  }

  async listRuleSets(): Promise<Array<Omit<StoredRuleSet, 'rules'>>> {
    const rows = await this.query<Omit<RuleSetRecord, 'rules'>>(
      `SELECT version, status, canary_percent, created_by, created_at, updated_at FROM rule_sets ORDER BY created_at DESC, version`,
    );
    return rows.map((row) => ({
      version: row.version,
      status: row.status,
      canaryPercent: row.canary_percent,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }

  async findRuleSet(version: string): Promise<StoredRuleSet | null> {
    const rows = await this.query<RuleSetRecord>(`SELECT * FROM rule_sets WHERE version = $1`, [version]);
    return rows[0] ? toRuleSet(rows[0]) : null;
  }

  /** Locks the live rule sets, so concurrent admin changes to the rollout apply one after the other. */
  async lockLiveRuleSets(): Promise<StoredRuleSet[]> {
    const rows = await this.query<RuleSetRecord>(
      `SELECT * FROM rule_sets WHERE status IN ('active', 'candidate') ORDER BY status FOR UPDATE`,
    );
    return rows.map(toRuleSet);
  }

  /** Inserts a new candidate; false when the version exists already. */
  async insertCandidate(ruleSet: RuleSet, percent: number, createdBy: string): Promise<boolean> {
    const rows = await this.query<{ version: string }>(
      `INSERT INTO rule_sets (version, rules, status, canary_percent, created_by) VALUES ($1, $2::jsonb, 'candidate', $3, $4)
       ON CONFLICT (version) DO NOTHING RETURNING version`,
      [ruleSet.version, JSON.stringify(ruleSet), percent, createdBy],
    );
    return rows.length === 1;
  }

  async setStatus(version: string, status: RuleSetStatus, percent = 0): Promise<void> {
    await this.query(`UPDATE rule_sets SET status = $2, canary_percent = $3, updated_at = now() WHERE version = $1`, [
      version,
      status,
      percent,
    ]);
  }

  async addCounters(rows: CounterRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.query(
      `INSERT INTO policy_counters (rule_set_version, bucket, outcome, count)
       SELECT * FROM unnest($1::text[], $2::smallint[], $3::text[], $4::bigint[])
       ON CONFLICT (rule_set_version, bucket, outcome) DO UPDATE SET count = policy_counters.count + EXCLUDED.count`,
      [
        rows.map((r) => r.ruleSetVersion),
        rows.map((r) => r.bucket),
        rows.map((r) => r.outcome),
        rows.map((r) => r.count),
      ],
    );
  }

  async counters(versions: string[]): Promise<CounterRow[]> {
    const rows = await this.query<{ rule_set_version: string; bucket: number; outcome: string; count: string }>(
      `SELECT rule_set_version, bucket, outcome, count FROM policy_counters WHERE rule_set_version = ANY($1::text[]) ORDER BY rule_set_version, bucket, outcome`,
      [versions],
    );
    return rows.map((row) => ({
      ruleSetVersion: row.rule_set_version,
      bucket: row.bucket,
      outcome: row.outcome,
      count: Number(row.count),
    }));
  }
}
