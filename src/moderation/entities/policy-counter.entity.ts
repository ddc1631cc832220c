import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** Content decisions of one rule set in one rollout bucket (-1: no room), by outcome; summed over processes. */
@Entity({ name: 'policy_counters' })
@Check('chk_policy_counters_bucket', `bucket BETWEEN -1 AND 99`)
@Check(
  'chk_policy_counters_outcome',
  `outcome IN ('allowed', 'THREAT', 'SELF_HARM', 'HATE', 'SEXUAL', 'PERSONAL_INFO')`,
)
@Check('chk_policy_counters_count', `count >= 0`)
export class PolicyCounterRow {
  @PrimaryColumn({ name: 'rule_set_version', type: 'text', primaryKeyConstraintName: 'pk_policy_counters' })
  ruleSetVersion: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'pk_policy_counters' })
  bucket: number;

  /** 'allowed', or the category that blocked. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_policy_counters' })
  outcome: string;

  @Column({ type: 'bigint' })
  count: string;
}
