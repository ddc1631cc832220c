import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../identity/entities/user.entity';
import type { MemberRole } from '../domain/conversation';
import { Conversation } from './conversation.entity';

/** One row per (conversation, user) ever: leaving sets `left_at`, rejoining clears it. */
@Entity({ name: 'conversation_members' })
@Check('chk_conversation_members_role', `role IN ('owner', 'member', 'seat', 'spectator')`)
@Check('chk_conversation_members_read_seq', `read_seq >= 0`)
@Check('chk_conversation_members_write_reads', `can_read OR NOT can_write`)
@Index('idx_conversation_members_user_id', ['userId'], { where: 'left_at IS NULL' })
export class ConversationMember {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid', primaryKeyConstraintName: 'pk_conversation_members' })
  conversationId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_conversation_members' })
  userId: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'fk_conversation_members_conversation_id' })
  conversation?: Conversation;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_conversation_members_user_id' })
  user?: User;

  @Column({ type: 'text', default: 'member' })
  role: MemberRole;

  @Column({ name: 'joined_at', type: 'timestamptz', default: () => 'now()' })
  joinedAt: Date;

  @Column({ name: 'left_at', type: 'timestamptz', nullable: true })
  leftAt: Date | null;

  /** What a seat may do in a room channel now, as its game declares (spectators follow the channel's rule); true elsewhere. */
  @Column({ name: 'can_read', type: 'boolean', default: true })
  canRead: boolean;

  @Column({ name: 'can_write', type: 'boolean', default: true })
  canWrite: boolean;

  /** The highest seq this member has read. */
  @Column({ name: 'read_seq', type: 'bigint', default: 0 })
  readSeq: string;
}
