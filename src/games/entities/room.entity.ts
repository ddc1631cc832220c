import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { User } from '../../identity/entities/user.entity';
import type { RoomPhase, RoomState, RoomVisibility } from '../domain/room/room.types';

/** A room: lobby columns for listing, the state snapshot with its version, and the next stored deadline. */
@Entity({ name: 'rooms' })
@Check('chk_rooms_visibility', `visibility IN ('public', 'private')`)
@Check('chk_rooms_invite_code', `(visibility = 'private') = (invite_code IS NOT NULL)`)
@Check('chk_rooms_phase', `phase IN ('lobby', 'playing', 'finished', 'closed')`)
@Check('chk_rooms_seat_count', `seat_count BETWEEN 1 AND 64`)
@Check('chk_rooms_seated', `seated BETWEEN 0 AND seat_count`)
@Check('chk_rooms_version', `version >= 1`)
@Check('chk_rooms_rules_version', `rules_version >= 1`)
@Check('chk_rooms_deadline', `(next_deadline_at IS NULL) = (next_deadline_id IS NULL)`)
@Check('chk_rooms_name', `length(name) BETWEEN 1 AND 64`)
@Unique('uq_rooms_create_action', ['hostUserId', 'createActionId'])
@Index('idx_rooms_next_deadline_at', ['nextDeadlineAt'], { where: 'next_deadline_at IS NOT NULL' })
// The migration orders `seated DESC` (fullest open rooms first); @Index cannot declare a column's order.
@Index('idx_rooms_open', ['gameId', 'seated', 'createdAt'], {
  where: `visibility = 'public'::text AND phase = 'lobby'::text`,
})
@Index('uq_rooms_invite_code', ['inviteCode'], { unique: true, where: 'invite_code IS NOT NULL' })
export class Room {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'game_id', type: 'text' })
  gameId: string;

  /** The version of the game's rules the room was made under, and plays under for its life. */
  @Column({ name: 'rules_version', type: 'int' })
  rulesVersion: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'host_user_id', type: 'uuid' })
  hostUserId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'host_user_id', foreignKeyConstraintName: 'fk_rooms_host_user_id' })
  host?: User;

  @Column({ type: 'text' })
  visibility: RoomVisibility;

  @Column({ name: 'invite_code', type: 'text', nullable: true })
  inviteCode: string | null;

  @Column({ type: 'text' })
  phase: RoomPhase;

  @Column({ name: 'seat_count', type: 'int' })
  seatCount: number;

  @Column({ type: 'int' })
  seated: number;

  @Column({ type: 'bigint' })
  seed: string;

  @Column({ type: 'jsonb' })
  state: RoomState;

  @Column({ type: 'int' })
  version: number;

  @Column({ name: 'next_deadline_at', type: 'timestamptz', nullable: true })
  nextDeadlineAt: Date | null;

  @Column({ name: 'next_deadline_id', type: 'text', nullable: true })
  nextDeadlineId: string | null;

  @Column({ name: 'create_action_id', type: 'text', nullable: true })
  createActionId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
