import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../../identity/entities/user.entity';
import { SanctionRow } from './sanction.entity';

export type ReportTargetKind = 'user' | 'message' | 'room';
export type ReportStatus = 'open' | 'resolved';
export type Resolution = 'dismiss' | 'warn' | 'mute' | 'ban' | 'kick';

/** A player's report; repeats by the same reporter on the same open target merge (report_count). */
@Entity({ name: 'reports' })
@Check('chk_reports_target_kind', `target_kind IN ('user', 'message', 'room')`)
@Check(
  'chk_reports_reason',
  `reason IN ('spam', 'harassment', 'hate', 'threat', 'self_harm', 'sexual', 'cheating', 'name', 'other')`,
)
@Check('chk_reports_note', `length(note) <= 1000`)
@Check('chk_reports_status', `status IN ('open', 'resolved')`)
@Check('chk_reports_report_count', `report_count >= 1`)
@Check('chk_reports_resolution', `resolution IS NULL OR resolution IN ('dismiss', 'warn', 'mute', 'ban', 'kick')`)
@Check('chk_reports_resolved', `(status = 'resolved') = (resolved_at IS NOT NULL AND resolution IS NOT NULL)`)
@Check('chk_reports_sanction', `sanction_id IS NULL OR resolution IN ('warn', 'mute', 'ban', 'kick')`)
@Index('uq_reports_open_per_reporter', ['reporterId', 'targetKind', 'targetId'], {
  unique: true,
  where: `status = 'open'::text`,
})
// The migration orders `last_reported_at` DESC (newest first); @Index cannot declare a column's order.
@Index('idx_reports_status_last_reported', ['status', 'lastReportedAt', 'id'])
@Index('idx_reports_target', ['targetKind', 'targetId'])
@Index('idx_reports_target_user_id', ['targetUserId'], { where: 'target_user_id IS NOT NULL' })
export class ReportRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'reporter_id', type: 'uuid' })
  reporterId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reporter_id', foreignKeyConstraintName: 'fk_reports_reporter_id' })
  reporter?: User;

  @Column({ name: 'target_kind', type: 'text' })
  targetKind: ReportTargetKind;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId: string;

  /** Who the report is about: the user, the message's sender, or the room's host. */
  @Column({ name: 'target_user_id', type: 'uuid', nullable: true })
  targetUserId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'target_user_id', foreignKeyConstraintName: 'fk_reports_target_user_id' })
  targetUser?: User;

  @Column({ name: 'room_id', type: 'uuid', nullable: true })
  roomId: string | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text', default: '' })
  note: string;

  @Column({ type: 'text', default: 'open' })
  status: ReportStatus;

  @Column({ name: 'report_count', type: 'int', default: 1 })
  reportCount: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_reported_at', type: 'timestamptz', default: () => 'now()' })
  lastReportedAt: Date;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'resolved_by', foreignKeyConstraintName: 'fk_reports_resolved_by' })
  resolver?: User;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  resolution: Resolution | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote: string | null;

  @Column({ name: 'sanction_id', type: 'uuid', nullable: true })
  sanctionId: string | null;

  @ManyToOne(() => SanctionRow, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sanction_id', foreignKeyConstraintName: 'fk_reports_sanction_id' })
  sanction?: Relation<SanctionRow>;
}
