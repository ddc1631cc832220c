import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ReportTargetKind = 'user' | 'message' | 'room';
export type ReportStatus = 'open' | 'resolved';
export type Resolution = 'dismiss' | 'warn' | 'mute' | 'ban' | 'kick';

/** A player's report; repeats by the same reporter on the same open target merge (report_count). */
@Entity({ name: 'reports' })
@Index('uq_reports_open_per_reporter', ['reporterId', 'targetKind', 'targetId'], { unique: true, where: `status = 'open'` })
@Index('idx_reports_target', ['targetKind', 'targetId'])
export class ReportRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'reporter_id', type: 'uuid' })
  reporterId: string;

  @Column({ name: 'target_kind', type: 'text' })
  targetKind: ReportTargetKind;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId: string;

  /** Who the report is about: the user, the message's sender, or the room's host. */
  @Column({ name: 'target_user_id', type: 'uuid', nullable: true })
  targetUserId: string | null;

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

  @Column({ name: 'last_reported_at', type: 'timestamptz' })
  lastReportedAt: Date;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  resolution: Resolution | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote: string | null;

  @Column({ name: 'sanction_id', type: 'uuid', nullable: true })
  sanctionId: string | null;
}
