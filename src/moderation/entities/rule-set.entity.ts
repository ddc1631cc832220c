import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../identity/entities/user.entity';
import type { RuleSet } from '../domain/rule-set';

export type RuleSetStatus = 'active' | 'candidate' | 'retired';

/** A stored rule set: one is active, at most one is the candidate rolled out to a share of rooms (partial unique indexes). */
@Entity({ name: 'rule_sets' })
@Check('chk_rule_sets_status', `status IN ('active', 'candidate', 'retired')`)
@Check('chk_rule_sets_canary_percent', `canary_percent BETWEEN 0 AND 100`)
@Check('chk_rule_sets_percent_candidate', `status = 'candidate' OR canary_percent = 0`)
@Check('chk_rule_sets_version', `version ~ '^[A-Za-z0-9_.:+-]{1,64}$'`)
@Check('chk_rule_sets_rules', `jsonb_typeof(rules) = 'object' AND rules->>'version' = version`)
@Index('uq_rule_sets_active', ['status'], { unique: true, where: `status = 'active'::text` })
@Index('uq_rule_sets_candidate', ['status'], { unique: true, where: `status = 'candidate'::text` })
export class RuleSetRow {
  @PrimaryColumn({ type: 'text' })
  version: string;

  @Column({ type: 'jsonb' })
  rules: RuleSet;

  @Column({ type: 'text' })
  status: RuleSetStatus;

  @Column({ name: 'canary_percent', type: 'int', default: 0 })
  canaryPercent: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_rule_sets_created_by' })
  creator?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
