import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { WelcomeState } from '../domain/welcome';
import { ConversationMember } from './conversation-member.entity';

/**
 * What a new member is handed on joining: made `pending` at the join, filled and `fetched` on the first
 * fetch (the snapshot is kept so a re-fetch in the grace period returns the same package), `confirmed` last.
 */
@Entity({ name: 'welcome_packages' })
@Check('chk_welcome_packages_state', `state IN ('pending', 'fetched', 'confirmed')`)
@Check('chk_welcome_packages_fetched', `(state = 'pending') = (fetched_at IS NULL AND package IS NULL)`)
@Check('chk_welcome_packages_confirmed', `(state = 'confirmed') = (confirmed_at IS NOT NULL)`)
export class WelcomePackage {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid', primaryKeyConstraintName: 'pk_welcome_packages' })
  conversationId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_welcome_packages' })
  userId: string;

  @ManyToOne(() => ConversationMember, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'conversation_id',
      referencedColumnName: 'conversationId',
      foreignKeyConstraintName: 'fk_welcome_packages_member',
    },
    { name: 'user_id', referencedColumnName: 'userId', foreignKeyConstraintName: 'fk_welcome_packages_member' },
  ])
  member?: ConversationMember;

  @Column({ type: 'text', default: 'pending' })
  state: WelcomeState;

  // json, not jsonb: a re-fetch returns the package byte for byte, keys in their order.
  @Column({ type: 'json', nullable: true })
  package: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'fetched_at', type: 'timestamptz', nullable: true })
  fetchedAt: Date | null;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;
}
