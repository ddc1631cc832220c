import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { AuditTargetKind } from './entities/audit-entry.entity';

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string;
  actorRole: string;
  action: string;
  targetKind: AuditTargetKind;
  targetId: string;
  reason: string | null;
  details: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetKind?: AuditTargetKind;
  targetId?: string;
  from?: string;
  to?: string;
  /** Words looked for in the reason (case-insensitive). */
  text?: string;
  /** Entries older than this id (keyset paging, newest first). */
  beforeId?: string;
  limit: number;
}

interface AuditRecord {
  id: string;
  at: Date;
  actor_id: string;
  actor_role: string;
  action: string;
  target_kind: AuditTargetKind;
  target_id: string;
  reason: string | null;
  details: Record<string, unknown>;
}

const toEntry = (row: AuditRecord): AuditEntry => ({
  id: String(row.id),
  at: row.at.toISOString(),
  actorId: row.actor_id,
  actorRole: row.actor_role,
  action: row.action,
  targetKind: row.target_kind,
  targetId: row.target_id,
  reason: row.reason,
  details: row.details,
});

/** The audit log's SQL: it only ever inserts and reads (the table's trigger refuses anything else). */
@Injectable()
export class AuditRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Appends an entry in the caller's transaction, so the action and its record commit together. */
  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const rows = (await this.tx.manager.query(
      `INSERT INTO audit_log (actor_id, actor_role, action, target_kind, target_id, reason, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING *`,
      [
        entry.actorId,
        entry.actorRole,
        entry.action,
        entry.targetKind,
        entry.targetId,
        entry.reason,
        JSON.stringify(entry.details),
      ],
    )) as AuditRecord[];
    return toEntry(rows[0]);
  }

  async search(filter: AuditFilter): Promise<AuditEntry[]> {
    const pattern = filter.text ? `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = (await this.tx.manager.query(
      `SELECT * FROM audit_log
       WHERE ($1::uuid IS NULL OR actor_id = $1)
         AND ($2::text IS NULL OR action = $2)
         AND ($3::text IS NULL OR target_kind = $3)
         AND ($4::text IS NULL OR target_id = $4)
         AND ($5::timestamptz IS NULL OR at >= $5)
         AND ($6::timestamptz IS NULL OR at < $6)
         AND ($7::text IS NULL OR reason ILIKE $7)
         AND ($8::bigint IS NULL OR id < $8)
       ORDER BY id DESC
       LIMIT $9`,
      [
        filter.actorId ?? null,
        filter.action ?? null,
        filter.targetKind ?? null,
        filter.targetId ?? null,
        filter.from ?? null,
        filter.to ?? null,
        pattern,
        filter.beforeId ?? null,
        filter.limit,
      ],
    )) as AuditRecord[];
    return rows.map(toEntry);
  }
}
