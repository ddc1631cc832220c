import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One accepted command of a room with its sequence number, output events (each with its audience) and result. */
@Entity({ name: 'room_events' })
export class RoomEvent {
  @PrimaryColumn({ name: 'room_id', type: 'uuid' })
  roomId: string;

  @PrimaryColumn({ type: 'int' })
  seq: number;

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
