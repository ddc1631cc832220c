import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { User } from '../../identity/entities/user.entity';
import type { ConversationKind } from '../domain/conversation';

/** A conversation: a room channel, a team's channel, a direct pair or a group. `last_seq` orders its messages. */
@Entity({ name: 'conversations' })
@Check('chk_conversations_kind', `kind IN ('room', 'team', 'direct', 'group')`)
@Check('chk_conversations_room', `(kind = 'room') = (room_id IS NOT NULL AND channel IS NOT NULL)`)
@Check('chk_conversations_room_access', `(kind = 'room') = (everyone IS NOT NULL AND spectators IS NOT NULL)`)
@Check('chk_conversations_spectators', `spectators IS NULL OR spectators IN ('none', 'read', 'write')`)
@Check('chk_conversations_team', `(kind = 'team') = (team_id IS NOT NULL)`)
@Check('chk_conversations_direct', `(kind = 'direct') = (direct_key IS NOT NULL)`)
@Check('chk_conversations_last_seq', `last_seq >= 0`)
@Unique('uq_conversations_room_channel', ['roomId', 'channel'])
@Unique('uq_conversations_team_id', ['teamId'])
@Unique('uq_conversations_direct_key', ['directKey'])
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: ConversationKind;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ name: 'room_id', type: 'uuid', nullable: true })
  roomId: string | null;

  /** A room channel's name, as its game declares it. */
  @Column({ type: 'text', nullable: true })
  channel: string | null;

  /** A room channel that every seat and the spectators are in (the others hold the seats the game names). */
  @Column({ type: 'boolean', nullable: true })
  everyone: boolean | null;

  /** What spectators may do in a room channel now: none, read or write; set by the game. */
  @Column({ type: 'text', nullable: true })
  spectators: 'none' | 'read' | 'write' | null;

  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId: string | null;

  /** The two user ids, sorted and joined: one direct conversation per unordered pair. */
  @Column({ name: 'direct_key', type: 'text', nullable: true })
  directKey: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_conversations_created_by' })
  creator?: User;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
