import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RoomPhase, RoomState, RoomVisibility } from '../domain/room/room.types';

/** A room: lobby columns for listing, the state snapshot with its version, and the next stored deadline. */
@Entity({ name: 'rooms' })
export class Room {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'game_id', type: 'text' })
  gameId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'host_user_id', type: 'uuid' })
  hostUserId: string;

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

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
