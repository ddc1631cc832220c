import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditTargetKind = 'user' | 'message' | 'room' | 'report' | 'sanction' | 'rule_set';

/** One moderator or admin action. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
@Entity({ name: 'audit_log' })
@Check('chk_audit_log_actor_role', `actor_role IN ('player', 'moderator', 'admin')`)
@Check('chk_audit_log_action', `action ~ '^[a-z_]+\\.[a-z_]+$'`)
@Check('chk_audit_log_target_kind', `target_kind IN ('user', 'message', 'room', 'report', 'sanction', 'rule_set')`)
@Check('chk_audit_log_details', `jsonb_typeof(details) = 'object'`)
// The migration orders `at` DESC in these indexes (and `id` DESC in idx_audit_log_at); @Index cannot declare a column's order.
@Index('idx_audit_log_at', ['at', 'id'])
@Index('idx_audit_log_actor', ['actorId', 'at'])
@Index('idx_audit_log_target', ['targetKind', 'targetId', 'at'])
@Index('idx_audit_log_action', ['action', 'at'])
export class AuditEntryRow {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId: string;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole: string;

  /** `<noun>.<verb>`, e.g. `report.resolve`, `sanction.revoke`, `rule_set.promote`. */
  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'target_kind', type: 'text' })
  targetKind: AuditTargetKind;

  @Column({ name: 'target_id', type: 'text' })
  targetId: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'jsonb', default: {} })
  details: Record<string, unknown>;
}
