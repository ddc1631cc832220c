import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SeatKind } from '../domain/engine';
import type { SeatControl } from '../domain/room/room.types';

/** Who holds each seat, mirrored from the snapshot so the database can enforce one seat per user per room. */
@Entity({ name: 'room_seats' })
export class RoomSeatRow {
  @PrimaryColumn({ name: 'room_id', type: 'uuid' })
  roomId: string;

  @PrimaryColumn({ type: 'int' })
  seat: number;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'text' })
  kind: SeatKind;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  control: SeatControl;

  @Column({ name: 'away_until', type: 'timestamptz', nullable: true })
  awayUntil: Date | null;
}
