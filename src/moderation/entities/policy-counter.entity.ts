import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Content decisions of one rule set in one rollout bucket (-1: no room), by outcome; summed over processes. */
@Entity({ name: 'policy_counters' })
export class PolicyCounterRow {
  @PrimaryColumn({ name: 'rule_set_version', type: 'text' })
  ruleSetVersion: string;

  @PrimaryColumn({ type: 'smallint' })
  bucket: number;

  /** 'allowed', or the category that blocked. */
  @PrimaryColumn({ type: 'text' })
  outcome: string;

  @Column({ type: 'bigint' })
  count: string;
}
