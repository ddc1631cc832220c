import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import { Room } from './room.entity';

/**
 * One accepted command of a room with its sequence number, output events (each with its audience), result,
 * and the outcome it produced (`payload.outcome`, the state changes that replay folds).
 */
@Entity({ name: 'room_events' })
@Unique('uq_room_events_action_id', ['roomId', 'actionId'])
@Check('chk_room_events_seq', `seq >= 1`)
@Check('chk_room_events_rules_version', `rules_version >= 1`)
@Check('chk_room_events_payload', `jsonb_typeof(payload) = 'object' AND payload ? 'command' AND payload ? 'events'`)
export class RoomEvent {
  @PrimaryColumn({ name: 'room_id', type: 'uuid', primaryKeyConstraintName: 'pk_room_events' })
  roomId: string;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'fk_room_events_room_id' })
  room?: Relation<Room>;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'pk_room_events' })
  seq: number;

  /** The rules version of the room's game the command was applied under. */
  @Column({ name: 'rules_version', type: 'int' })
  rulesVersion: number;

  @Column({ type: 'text' })
  type: string;

  /** A user id, or 'system'. */
  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'action_id', type: 'text', nullable: true })
  actionId: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;
}
