import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import type { Relation } from 'typeorm';
import { User } from '../../identity/entities/user.entity';
import type { SeatKind } from '../domain/engine';
import type { SeatControl } from '../domain/room/room.types';
import { Room } from './room.entity';

/** Who holds each seat, mirrored from the snapshot so the database can enforce one seat per user per room. */
@Entity({ name: 'room_seats' })
// Checked at commit, so one statement may move a player between seats.
@Unique('uq_room_seats_user', ['roomId', 'userId'], { deferrable: 'INITIALLY DEFERRED' })
@Check('chk_room_seats_seat', `seat >= 0`)
@Check('chk_room_seats_kind', `kind IN ('human', 'agent', 'bot')`)
@Check('chk_room_seats_control', `control IN ('player', 'bot', 'defaults')`)
@Check('chk_room_seats_bot', `kind <> 'bot' OR (user_id IS NULL AND control = 'bot')`)
@Index('idx_room_seats_user_id', ['userId'], { where: 'user_id IS NOT NULL' })
export class RoomSeatRow {
  @PrimaryColumn({ name: 'room_id', type: 'uuid', primaryKeyConstraintName: 'pk_room_seats' })
  roomId: string;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id', foreignKeyConstraintName: 'fk_room_seats_room_id' })
  room?: Relation<Room>;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'pk_room_seats' })
  seat: number;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_room_seats_user_id' })
  user?: User;

  @Column({ type: 'text' })
  kind: SeatKind;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  control: SeatControl;

  @Column({ name: 'away_until', type: 'timestamptz', nullable: true })
  awayUntil: Date | null;
}
