import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Role, UserKind } from '../caller';

@Entity({ name: 'users' })
@Check('chk_users_kind', `kind IN ('guest', 'registered', 'agent')`)
@Check('chk_users_role', `role IN ('player', 'moderator', 'admin')`)
@Check('chk_users_registered', `(kind = 'registered') = (username IS NOT NULL AND password_hash IS NOT NULL)`)
@Check('chk_users_agent', `(kind = 'agent') = (owner_id IS NOT NULL AND agent_key_hash IS NOT NULL)`)
@Check('chk_users_staff_registered', `role = 'player' OR kind = 'registered'`)
@Index('uq_users_username', ['username'], { unique: true, where: 'username IS NOT NULL' })
@Index('uq_users_agent_key_hash', ['agentKeyHash'], { unique: true, where: 'agent_key_hash IS NOT NULL' })
@Index('idx_users_owner_id', ['ownerId'], { where: 'owner_id IS NOT NULL' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: UserKind;

  /** Lower-case login name of a registered user; null for guests and agents. */
  @Column({ type: 'text', nullable: true })
  username: string | null;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'text', default: 'player' })
  role: Role;

  /** The registered user an agent belongs to. */
  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'fk_users_owner_id' })
  owner?: User;

  @Column({ name: 'agent_key_hash', type: 'text', nullable: true, select: false })
  agentKeyHash: string | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
