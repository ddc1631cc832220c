import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { RuleSet } from '../domain/rule-set';

export type RuleSetStatus = 'active' | 'candidate' | 'retired';

/** A stored rule set: one is active, at most one is the candidate rolled out to a share of rooms (partial unique indexes). */
@Entity({ name: 'rule_sets' })
@Check('chk_rule_sets_status', `status IN ('active', 'candidate', 'retired')`)
@Check('chk_rule_sets_canary_percent', `canary_percent BETWEEN 0 AND 100`)
@Check('chk_rule_sets_percent_candidate', `status = 'candidate' OR canary_percent = 0`)
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
