import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditTargetKind = 'user' | 'message' | 'room' | 'report' | 'sanction' | 'rule_set';

/** One moderator or admin action. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
@Entity({ name: 'audit_log' })
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

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  details: Record<string, unknown>;
}
