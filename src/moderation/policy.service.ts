import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ContentPolicyPort, type ContentCheck, type ContentDecision } from '../common/ports/content-policy.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import type { Caller } from '../identity/caller';
import { MetricsService } from '../telemetry/metrics.service';
import { AuditRepository } from './audit.repository';
import { DEFAULT_RULE_SET } from './domain/default-rule-set';
import { compileRuleSet, evaluate, type CompiledRuleSet, type Decision, type Surface } from './domain/policy';
import { canaryBucket, useCandidate } from './domain/rollout';
import { validateRuleSet } from './domain/rule-set';
import { moderationError } from './moderation.errors';
import { ModerationRepository, type CounterRow, type StoredRuleSet } from './moderation.repository';

type Arm = 'active' | 'candidate';

interface LiveRuleSet {
  version: string;
  compiled: CompiledRuleSet;
}

interface Rollout {
  active: LiveRuleSet;
  candidate: (LiveRuleSet & { percent: number }) | null;
}

export interface PolicyVerdict extends ContentDecision {
  ruleSetVersion: string;
  arm: Arm;
  /** The room's canary bucket (0-99); null without a room. */
  bucket: number | null;
  /** The rule that matched, for moderators. */
  term: string | null;
}

export interface BucketCounters {
  ruleSetVersion: string;
  arm: Arm;
  bucket: number | null;
  decisions: number;
  allowed: number;
  blocked: Record<string, number>;
}

export interface RolloutState {
  active: { version: string };
  candidate: { version: string; percent: number } | null;
}

const NO_ROOM_BUCKET = -1;

/**
 * The content policy in force: the active rule set, and the candidate for the rooms whose canary bucket
 * is below its percentage. Both are compiled in memory (decisions are synchronous and never touch the
 * database); each process reloads them from `rule_sets` when they change. Decisions are counted per
 * rule set and bucket in /metrics (this process) and added to `policy_counters` (all processes).
 */
@Injectable()
export class PolicyService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('ContentPolicy');
  private rollout: Rollout = {
    active: { version: DEFAULT_RULE_SET.version, compiled: compileRuleSet(DEFAULT_RULE_SET) },
    candidate: null,
  };
  private stamp = '';
  /** Bumped by every swap, so a reload that read the database before it cannot undo it. */
  private generation = 0;
  private pending = new Map<string, CounterRow>();

  constructor(
    private readonly repository: ModerationRepository,
    private readonly audit: AuditRepository,
    private readonly tx: TransactionHost,
    private readonly port: ContentPolicyPort,
    private readonly metrics: MetricsService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.ensureActiveRuleSet(DEFAULT_RULE_SET);
    await this.reload();
    this.port.use((text, check) => this.decide(text, check));
    this.every('moderation-policy-refresh', this.config.moderation.policyRefreshMs, () => this.refresh());
    this.every('moderation-policy-counters', this.config.moderation.counterFlushMs, () => this.flushCounters());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flushCounters().catch((error) =>
      this.logger.warn({ err: error }, 'could not store the last rollout counters'),
    );
  }

  /** The decision the port hands to rooms, identity and chat. */
  decide(text: string, check: ContentCheck): ContentDecision {
    const { allowed, code, category } = this.verdict(text, check.surface, check.roomId);
    return { allowed, code, category };
  }

  /** The decision with what made it: which rule set, which bucket, which rule. Counted like any other. */
  verdict(text: string, surface: Surface, roomId?: string): PolicyVerdict {
    const { active, candidate } = this.rollout;
    const bucket = roomId === undefined ? null : canaryBucket(roomId);
    const arm: Arm =
      candidate !== null && roomId !== undefined && useCandidate(roomId, candidate.percent) ? 'candidate' : 'active';
    const rules = arm === 'candidate' && candidate !== null ? candidate : active;
    const decision: Decision = evaluate(text, rules.compiled, { surface });
    this.count(rules.version, arm, bucket, decision.allowed ? 'allowed' : decision.category);
    return {
      allowed: decision.allowed,
      code: decision.code,
      category: decision.category,
      term: decision.allowed ? null : decision.term,
      ruleSetVersion: rules.version,
      arm,
      bucket,
    };
  }

  state(): RolloutState {
    const { active, candidate } = this.rollout;
    return {
      active: { version: active.version },
      candidate: candidate ? { version: candidate.version, percent: candidate.percent } : null,
    };
  }

  /** Counters per bucket of the live rule sets, summed over every process (this one's latest counts included). */
  async counters(): Promise<{ rollout: RolloutState; buckets: BucketCounters[] }> {
    await this.flushCounters();
    const rollout = this.state();
    const versions = [rollout.active.version, ...(rollout.candidate ? [rollout.candidate.version] : [])];
    const byKey = new Map<string, BucketCounters>();
    for (const row of await this.repository.counters(versions)) {
      const key = `${row.ruleSetVersion}|${row.bucket}`;
      let entry = byKey.get(key);
      if (!entry) {
        const arm: Arm = rollout.candidate?.version === row.ruleSetVersion ? 'candidate' : 'active';
        entry = {
          ruleSetVersion: row.ruleSetVersion,
          arm,
          bucket: row.bucket === NO_ROOM_BUCKET ? null : row.bucket,
          decisions: 0,
          allowed: 0,
          blocked: {},
        };
        byKey.set(key, entry);
      }
      entry.decisions += row.count;
      if (row.outcome === 'allowed') entry.allowed += row.count;
      else entry.blocked[row.outcome] = (entry.blocked[row.outcome] ?? 0) + row.count;
    }
    return { rollout, buckets: [...byKey.values()] };
  }

  listRuleSets() {
    return this.repository.listRuleSets();
  }

  async ruleSet(version: string): Promise<StoredRuleSet> {
    const found = await this.repository.findRuleSet(version);
    if (!found) throw moderationError('RULE_SET_NOT_FOUND', `There is no rule set ${version}`);
    return found;
  }

  /** Stores a new candidate rule set at `percent` of rooms, retiring any previous candidate. */
  async propose(caller: Caller, input: unknown, percent: number, reason: string | null): Promise<RolloutState> {
    const check = validateRuleSet(input);
    if (!check.ok) throw moderationError('RULE_SET_INVALID', 'The rule set is not valid', { problems: check.problems });
    const compiled = compileRuleSet(check.ruleSet);
    return this.tx.transaction(async () => {
      const live = await this.repository.lockLiveRuleSets();
      const previous = live.find((row) => row.status === 'candidate');
      if (previous) await this.repository.setStatus(previous.version, 'retired');
      if (!(await this.repository.insertCandidate(check.ruleSet, percent, caller.userId))) {
        throw moderationError(
          'RULE_SET_VERSION_EXISTS',
          `A rule set ${check.ruleSet.version} exists already; give the new one another version`,
        );
      }
      await this.record(caller, 'rule_set.propose', check.ruleSet.version, reason, {
        percent,
        replaced: previous?.version ?? null,
      });
      const active = this.liveOrCurrent(live, 'active');
      return this.swapAfterCommit({ active, candidate: { version: check.ruleSet.version, compiled, percent } });
    });
  }

  /** Sets the share of rooms (by bucket) that use the candidate; 0 turns it off without dropping it. */
  async setPercent(caller: Caller, percent: number, reason: string | null): Promise<RolloutState> {
    return this.tx.transaction(async () => {
      const live = await this.repository.lockLiveRuleSets();
      const candidate = live.find((row) => row.status === 'candidate');
      if (!candidate) throw moderationError('NO_CANDIDATE', 'There is no candidate rule set to roll out');
      await this.repository.setStatus(candidate.version, 'candidate', percent);
      await this.record(caller, 'rule_set.rollout', candidate.version, reason, {
        from: candidate.canaryPercent,
        to: percent,
      });
      return this.swapAfterCommit({
        active: this.liveOrCurrent(live, 'active'),
        candidate: { version: candidate.version, compiled: this.compiledFor(candidate), percent },
      });
    });
  }

  /** The candidate becomes the active rule set for every room; the old active one is retired. */
  async promote(caller: Caller, reason: string | null): Promise<RolloutState> {
    return this.tx.transaction(async () => {
      const live = await this.repository.lockLiveRuleSets();
      const candidate = live.find((row) => row.status === 'candidate');
      const active = live.find((row) => row.status === 'active');
      if (!candidate) throw moderationError('NO_CANDIDATE', 'There is no candidate rule set to promote');
      if (active) await this.repository.setStatus(active.version, 'retired');
      await this.repository.setStatus(candidate.version, 'active');
      await this.record(caller, 'rule_set.promote', candidate.version, reason, {
        retired: active?.version ?? null,
        percent: candidate.canaryPercent,
      });
      return this.swapAfterCommit({
        active: { version: candidate.version, compiled: this.compiledFor(candidate) },
        candidate: null,
      });
    });
  }

  /** The candidate is retired: every room is back on the active rule set. */
  async rollback(caller: Caller, reason: string | null): Promise<RolloutState> {
    return this.tx.transaction(async () => {
      const live = await this.repository.lockLiveRuleSets();
      const candidate = live.find((row) => row.status === 'candidate');
      if (!candidate) throw moderationError('NO_CANDIDATE', 'There is no candidate rule set to roll back');
      await this.repository.setStatus(candidate.version, 'retired');
      await this.record(caller, 'rule_set.rollback', candidate.version, reason, { percent: candidate.canaryPercent });
      return this.swapAfterCommit({ active: this.liveOrCurrent(live, 'active'), candidate: null });
    });
  }

  /** Adds this process's counts to the database (they are additive, so processes never overwrite each other). */
  async flushCounters(): Promise<void> {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.repository.addCounters(rows);
    } catch (error) {
      for (const row of rows) this.addPending(row.ruleSetVersion, row.bucket, row.outcome, row.count);
      throw error;
    }
  }

  private count(version: string, arm: Arm, bucket: number | null, outcome: string): void {
    this.metrics.policyDecisions.inc({
      rule_set: version,
      arm,
      bucket: bucket === null ? 'none' : String(bucket),
      outcome,
    });
    this.addPending(version, bucket ?? NO_ROOM_BUCKET, outcome, 1);
  }

  private addPending(version: string, bucket: number, outcome: string, count: number): void {
    const key = `${version}|${bucket}|${outcome}`;
    const row = this.pending.get(key);
    if (row) row.count += count;
    else this.pending.set(key, { ruleSetVersion: version, bucket, outcome, count });
  }

  private async record(
    caller: Caller,
    action: string,
    version: string,
    reason: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.append({
      actorId: caller.userId,
      actorRole: caller.role,
      action,
      targetKind: 'rule_set',
      targetId: version,
      reason,
      details,
    });
  }

  /** The new rollout takes effect in this process once committed; other processes follow on their next refresh. */
  private swapAfterCommit(next: Rollout): RolloutState {
    this.tx.afterCommit(() => {
      this.rollout = next;
      this.generation += 1;
      this.stamp = ''; // the next refresh re-reads the stamp without recompiling what is unchanged
    });
    return {
      active: { version: next.active.version },
      candidate: next.candidate ? { version: next.candidate.version, percent: next.candidate.percent } : null,
    };
  }

  private liveOrCurrent(live: StoredRuleSet[], status: 'active'): LiveRuleSet {
    const row = live.find((candidate) => candidate.status === status);
    return row ? { version: row.version, compiled: this.compiledFor(row) } : this.rollout.active;
  }

  private compiledFor(row: StoredRuleSet): CompiledRuleSet {
    const { active, candidate } = this.rollout;
    if (active.version === row.version) return active.compiled;
    if (candidate?.version === row.version) return candidate.compiled;
    return compileRuleSet(row.rules);
  }

  private async refresh(): Promise<void> {
    if ((await this.repository.liveRuleSetStamp()) !== this.stamp) await this.reload();
  }

  private async reload(): Promise<void> {
    const generation = this.generation;
    const stamp = await this.repository.liveRuleSetStamp();
    const live = await this.repository.liveRuleSets();
    const active = live.find((row) => row.status === 'active');
    const candidate = live.find((row) => row.status === 'candidate');
    if (generation !== this.generation) return;
    try {
      this.rollout = {
        active: active ? { version: active.version, compiled: this.compiledFor(active) } : this.rollout.active,
        candidate: candidate
          ? { version: candidate.version, compiled: this.compiledFor(candidate), percent: candidate.canaryPercent }
          : null,
      };
      this.stamp = stamp;
    } catch (error) {
      // A stored set that no longer compiles keeps the last good rules in force rather than none.
      this.logger.error({ err: error }, 'could not compile the stored rule sets; keeping the previous ones');
    }
  }

  private every(name: string, intervalMs: number, work: () => Promise<void>): void {
    const timer = setInterval(() => {
      work().catch((error) => this.logger.warn({ err: error }, `${name} failed`));
    }, intervalMs);
    timer.unref();
    this.scheduler.addInterval(name, timer);
  }
}
