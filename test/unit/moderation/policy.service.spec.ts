import { randomUUID } from 'node:crypto';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { ContentPolicyPort } from '../../../src/common/ports/content-policy.port';
import { loadConfig } from '../../../src/config/app-config';
import type { TransactionHost } from '../../../src/database/transaction-host';
import type { AuditRepository } from '../../../src/moderation/audit.repository';
import { DEFAULT_RULE_SET } from '../../../src/moderation/domain/default-rule-set';
import { canaryBucket } from '../../../src/moderation/domain/rollout';
import type { RuleSet } from '../../../src/moderation/domain/rule-set';
import type { CounterRow, ModerationRepository, StoredRuleSet } from '../../../src/moderation/moderation.repository';
import { PolicyService } from '../../../src/moderation/policy.service';
import { MetricsService } from '../../../src/telemetry/metrics.service';

function stored(rules: RuleSet, status: StoredRuleSet['status'], canaryPercent = 0): StoredRuleSet {
  return { version: rules.version, rules, status, canaryPercent, createdBy: null, createdAt: '', updatedAt: '' };
}

const withTerm = (version: string, term: string): RuleSet => {
  const rules = JSON.parse(JSON.stringify(DEFAULT_RULE_SET)) as RuleSet;
  rules.version = version;
  rules.categories.HATE.terms.push(term);
  return rules;
};

const roomWith = (test: (bucket: number) => boolean) => {
  for (;;) {
    const id = randomUUID();
    if (test(canaryBucket(id))) return id;
  }
};

/** A PolicyService over a fake rule_sets table, without Nest or a database. */
async function setup(live: StoredRuleSet[]) {
  const added: CounterRow[] = [];
  const repository = {
    ensureActiveRuleSet: async () => undefined,
    liveRuleSetStamp: async () => live.map((row) => `${row.status}:${row.version}:${row.canaryPercent}`).join(','),
    liveRuleSets: async () => live,
    addCounters: async (rows: CounterRow[]) => void added.push(...rows.map((row) => ({ ...row }))),
  } as unknown as ModerationRepository;
  const scheduler = {
    addInterval: (_name: string, timer: NodeJS.Timeout) => clearInterval(timer),
  } as unknown as SchedulerRegistry;
  const port = new ContentPolicyPort();
  const metrics = new MetricsService();
  const service = new PolicyService(
    repository,
    {} as AuditRepository,
    {} as TransactionHost,
    port,
    metrics,
    scheduler,
    loadConfig({}),
  );
  await service.onModuleInit();
  return { service, port, metrics, added };
}

describe('PolicyService', () => {
  it('installs itself into ContentPolicyPort: the active rule set decides', async () => {
    const { port } = await setup([stored(DEFAULT_RULE_SET, 'active')]);
    expect(port.check('you are a kike', { surface: 'chat' })).toEqual({
      allowed: false,
      code: 'CONTENT_BLOCKED',
      category: 'HATE',
    });
    expect(port.check('good game', { surface: 'chat' })).toEqual({ allowed: true, code: null, category: null });
  });

  it('uses the candidate exactly for rooms whose bucket is below its percentage, never without a room', async () => {
    const { service } = await setup([
      stored(DEFAULT_RULE_SET, 'active'),
      stored(withTerm('cand', 'zorblax'), 'candidate', 25),
    ]);
    for (let i = 0; i < 200; i += 1) {
      const roomId = randomUUID();
      const verdict = service.verdict('zorblax', 'chat', roomId);
      expect(verdict.arm).toBe(canaryBucket(roomId) < 25 ? 'candidate' : 'active');
      expect(verdict.allowed).toBe(verdict.arm === 'active');
    }
    expect(service.verdict('zorblax', 'chat')).toMatchObject({ allowed: true, arm: 'active', bucket: null });
  });

  it('counts decisions per rule set, bucket and outcome, in /metrics and in what it adds to the database', async () => {
    const { service, metrics, added } = await setup([
      stored(DEFAULT_RULE_SET, 'active'),
      stored(withTerm('cand', 'zorblax'), 'candidate', 50),
    ]);
    const inside = roomWith((b) => b < 50);
    service.verdict('zorblax', 'chat', inside);
    service.verdict('zorblax', 'room_name', inside);
    service.verdict('hello', 'chat', inside);
    service.verdict('hello', 'chat');
    await service.flushCounters();
    const bucket = canaryBucket(inside);
    expect(added).toEqual(
      expect.arrayContaining([
        { ruleSetVersion: 'cand', bucket, outcome: 'HATE', count: 2 },
        { ruleSetVersion: 'cand', bucket, outcome: 'allowed', count: 1 },
        { ruleSetVersion: DEFAULT_RULE_SET.version, bucket: -1, outcome: 'allowed', count: 1 },
      ]),
    );
    expect(added).toHaveLength(3);
    const text = await metrics.render();
    expect(text).toContain(
      `arena_moderation_decisions_total{rule_set="cand",arm="candidate",bucket="${bucket}",outcome="HATE"} 2`,
    );
    await service.flushCounters();
    expect(added).toHaveLength(3); // nothing new: nothing is added twice
  });
});
