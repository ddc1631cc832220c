import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Room } from '../../games/entities/room.entity';
import { User } from '../../identity/entities/user.entity';
import { ReportRow } from './report.entity';

export type SanctionKind = 'ban' | 'mute' | 'kick' | 'warn';

/** A sanction: active while not revoked and `expires_at` is null (permanent ban) or in the future. */
@Entity({ name: 'sanctions' })
@Check('chk_sanctions_kind', `kind IN ('ban', 'mute', 'kick', 'warn')`)
@Check('chk_sanctions_room', `(kind = 'kick') = (room_id IS NOT NULL)`)
@Check('chk_sanctions_timed', `kind NOT IN ('mute', 'kick') OR expires_at IS NOT NULL`)
@Check('chk_sanctions_warn', `kind <> 'warn' OR expires_at IS NULL`)
@Check('chk_sanctions_expiry', `expires_at IS NULL OR expires_at > created_at`)
@Check('chk_sanctions_reason', `length(reason) BETWEEN 1 AND 1000`)
@Index('idx_sanctions_user_kind', ['userId', 'kind', 'expiresAt'], { where: 'revoked_at IS NULL' })
// The migration orders `created_at` DESC (newest first); @Index cannot declare a column's order.
@Index('idx_sanctions_created_at', ['createdAt'])
export class SanctionRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_sanctions_user_id' })
  user?: User;

  @Column({ type: 'text' })
  kind: SanctionKind;

  @Column({ name: 'room_id', type: 'uuid', nullable: true })
  roomId: string | null;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'fk_sanctions_room_id' })
  room?: Room;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'report_id', type: 'uuid', nullable: true })
  reportId: string | null;

  @ManyToOne(() => ReportRow, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'report_id', foreignKeyConstraintName: 'fk_sanctions_report_id' })
  report?: Relation<ReportRow>;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_sanctions_created_by' })
  creator?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'revoked_by', foreignKeyConstraintName: 'fk_sanctions_revoked_by' })
  revoker?: User;
}
