import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SanctionKind = 'ban' | 'mute' | 'kick' | 'warn';

/** A sanction: active while not revoked and `expires_at` is null (permanent ban) or in the future. */
@Entity({ name: 'sanctions' })
@Check('chk_sanctions_kind', `kind IN ('ban', 'mute', 'kick', 'warn')`)
@Check('chk_sanctions_room', `(kind = 'kick') = (room_id IS NOT NULL)`)
@Check('chk_sanctions_timed', `kind NOT IN ('mute', 'kick') OR expires_at IS NOT NULL`)
@Check('chk_sanctions_warn', `kind <> 'warn' OR expires_at IS NULL`)
@Index('idx_sanctions_user_kind', ['userId', 'kind', 'expiresAt'], { where: 'revoked_at IS NULL' })
export class SanctionRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  kind: SanctionKind;

  @Column({ name: 'room_id', type: 'uuid', nullable: true })
  roomId: string | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'report_id', type: 'uuid', nullable: true })
  reportId: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedBy: string | null;
}
