import { randomUUID } from 'node:crypto';
import { ContentPolicyPort } from '../../src/common/ports/content-policy.port';
import { DEFAULT_RULE_SET } from '../../src/moderation/domain/default-rule-set';
import { canaryBucket } from '../../src/moderation/domain/rollout';
import type { RuleSet } from '../../src/moderation/domain/rule-set';
import type { BucketCounters } from '../../src/moderation/policy.service';
import { account, bearer, sql, type Account } from '../support/moderation';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

/** The built-in rules plus one harmless word, so the candidate's effect is easy to see. */
function candidate(version: string, extraSexualTerm?: string): RuleSet {
  const rules = JSON.parse(JSON.stringify(DEFAULT_RULE_SET)) as RuleSet;
  rules.version = version;
  if (extraSexualTerm) rules.categories.SEXUAL.terms.push(extraSexualTerm);
  return rules;
}

/** A room id whose canary bucket satisfies `wanted`. */
function roomIn(wanted: (bucket: number) => boolean): { roomId: string; bucket: number } {
  for (;;) {
    const roomId = randomUUID();
    const bucket = canaryBucket(roomId);
    if (wanted(bucket)) return { roomId, bucket };
  }
}

/** The value of one series of a Prometheus counter, found by its labels. */
function series(metrics: string, name: string, labels: Record<string, string>): number {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('moderation: the content policy in force, its staged rollout, counters, promote and rollback', () => {
  let arena: TestApp;
  let admin: Account;
  let moderator: Account;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED, POLICY_REFRESH_MS: '100' });
    admin = await account(arena, 'admin', 'admin');
    moderator = await account(arena, 'moderator', 'mod');
  });
  afterAll(() => arena.close());

  const check = async (text: string, surface: string, roomId?: string) =>
    (
      await arena
        .http()
        .post('/admin/policy/check')
        .set(bearer(moderator.token))
        .send({ text, surface, roomId })
        .expect(200)
    ).body;
  const adminPost = (path: string, body: Record<string, unknown> = {}) =>
    arena.http().post(path).set(bearer(admin.token)).send(body);
  const counters = async () => (await arena.http().get('/admin/rollout').set(bearer(moderator.token)).expect(200)).body;
  const bucketOf = (
    body: { buckets: BucketCounters[] },
    version: string,
    bucket: number | null,
  ): Partial<BucketCounters> & { decisions: number; allowed: number } =>
    body.buckets.find((b) => b.ruleSetVersion === version && b.bucket === bucket) ?? {
      decisions: 0,
      allowed: 0,
      blocked: {},
    };

  describe('the real policy guards names', () => {
    it.each([
      ['KillYourself', 'SELF_HARM'],
      ['FuckFace', 'SEXUAL'],
      ['xXkikeXx', 'HATE'],
    ])('refuses the guest display name %s with CONTENT_BLOCKED (%s)', async (displayName, category) => {
      const refused = await arena.http().post('/auth/guest').send({ displayName }).expect(422);
      expect(refused.body).toMatchObject({ code: 'CONTENT_BLOCKED', details: { field: 'displayName', category } });
    });

    it('lets ordinary names through, Scunthorpe included', async () => {
      for (const displayName of ['Scunthorpe Fan', 'Cocktail Carl', 'KillerQueen'])
        await arena.http().post('/auth/guest').send({ displayName }).expect(201);
    });

    it('refuses an abusive room name over the socket, and a renamed display name over REST', async () => {
      const host = await arena.socket(await arena.guest('Decent Host'));
      const refused = await ask(host, 'room:create', { actionId: aid(), gameId: 'roast', name: 'Heil Hitler Club' });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'CONTENT_BLOCKED', details: { field: 'name', category: 'HATE' } },
      });
      await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', name: 'Friday Night Trivia' });
      const renamed = await arena
        .http()
        .patch('/me')
        .set(bearer(moderator.token))
        .send({ displayName: 'HornyGirl69' })
        .expect(422);
      expect(renamed.body.code).toBe('CONTENT_BLOCKED');
    });

    it('tells a moderator which rule set, bucket and rule decided', async () => {
      const { roomId, bucket } = roomIn(() => true);
      expect(await check('i will kill you', 'chat', roomId)).toMatchObject({
        allowed: false,
        code: 'CONTENT_BLOCKED',
        category: 'THREAT',
        ruleSetVersion: DEFAULT_RULE_SET.version,
        arm: 'active',
        bucket,
        term: expect.any(String),
      });
      expect(await check('that is a killer app', 'chat')).toMatchObject({ allowed: true, bucket: null, term: null });
    });
  });

  describe('staged rollout', () => {
    it('stages a candidate for the rooms in buckets below the percentage, counts per bucket, widens, and promotes in one call', async () => {
      const inside = roomIn((b) => b < 30);
      const outside = roomIn((b) => b >= 30);
      const before = await counters();

      const staged = await adminPost('/admin/rollout/candidate', {
        ruleSet: candidate('pineapple-1', 'pineapple'),
        percent: 30,
        reason: 'try the fruit rule',
      }).expect(201);
      expect(staged.body.rollout).toEqual({
        active: { version: DEFAULT_RULE_SET.version },
        candidate: { version: 'pineapple-1', percent: 30 },
      });

      expect(await check('pineapple pizza', 'chat', inside.roomId)).toMatchObject({
        allowed: false,
        category: 'SEXUAL',
        ruleSetVersion: 'pineapple-1',
        arm: 'candidate',
        bucket: inside.bucket,
      });
      expect(await check('pineapple pizza', 'room_name', inside.roomId)).toMatchObject({
        allowed: false,
        arm: 'candidate',
      });
      expect(await check('pineapple pizza', 'chat', outside.roomId)).toMatchObject({
        allowed: true,
        ruleSetVersion: DEFAULT_RULE_SET.version,
        arm: 'active',
        bucket: outside.bucket,
      });
      expect(await check('pineapple pizza', 'chat')).toMatchObject({ allowed: true, arm: 'active', bucket: null });
      // What rooms, identity and chat call: the same decision through the port.
      const port = arena.app.get(ContentPolicyPort);
      expect(port.check('pineapple pizza', { surface: 'chat', roomId: inside.roomId })).toEqual({
        allowed: false,
        code: 'CONTENT_BLOCKED',
        category: 'SEXUAL',
      });
      expect(port.check('nice game', { surface: 'chat', roomId: inside.roomId })).toEqual({
        allowed: true,
        code: null,
        category: null,
      });

      const after = await counters();
      expect(after.rollout).toEqual(staged.body.rollout);
      expect(bucketOf(after, 'pineapple-1', inside.bucket)).toEqual({
        ruleSetVersion: 'pineapple-1',
        arm: 'candidate',
        bucket: inside.bucket,
        decisions: 4,
        allowed: 1,
        blocked: { SEXUAL: 3 },
      });
      const outsideBefore = bucketOf(before, DEFAULT_RULE_SET.version, outside.bucket);
      const outsideAfter = bucketOf(after, DEFAULT_RULE_SET.version, outside.bucket);
      expect(outsideAfter.decisions - outsideBefore.decisions).toBe(1);
      expect(outsideAfter.allowed - outsideBefore.allowed).toBe(1);

      const metrics = (await arena.http().get('/metrics').expect(200)).text;
      expect(
        series(metrics, 'arena_moderation_decisions_total', {
          rule_set: 'pineapple-1',
          arm: 'candidate',
          bucket: String(inside.bucket),
          outcome: 'SEXUAL',
        }),
      ).toBe(3);
      expect(
        series(metrics, 'arena_moderation_decisions_total', {
          rule_set: 'pineapple-1',
          arm: 'candidate',
          bucket: String(inside.bucket),
          outcome: 'allowed',
        }),
      ).toBe(1);
      expect(
        series(metrics, 'arena_moderation_decisions_total', {
          rule_set: DEFAULT_RULE_SET.version,
          arm: 'active',
          bucket: 'none',
          outcome: 'allowed',
        }),
      ).toBeGreaterThan(0);

      // 0 turns the candidate off without dropping it; 100 gives it every room.
      await arena.http().put('/admin/rollout/percent').set(bearer(admin.token)).send({ percent: 0 }).expect(200);
      expect(await check('pineapple pizza', 'chat', inside.roomId)).toMatchObject({ allowed: true, arm: 'active' });
      const widened = await arena
        .http()
        .put('/admin/rollout/percent')
        .set(bearer(admin.token))
        .send({ percent: 100 })
        .expect(200);
      expect(widened.body.rollout.candidate).toEqual({ version: 'pineapple-1', percent: 100 });
      expect(await check('pineapple pizza', 'chat', outside.roomId)).toMatchObject({
        allowed: false,
        arm: 'candidate',
      });

      const promoted = await adminPost('/admin/rollout/promote', { reason: 'no false positives' }).expect(200);
      expect(promoted.body.rollout).toEqual({ active: { version: 'pineapple-1' }, candidate: null });
      expect(await check('pineapple pizza', 'display_name')).toMatchObject({
        allowed: false,
        ruleSetVersion: 'pineapple-1',
        arm: 'active',
      });
      const statuses = await sql<{ version: string; status: string; canary_percent: number }>(
        arena,
        `SELECT version, status, canary_percent FROM rule_sets ORDER BY version`,
      );
      expect(statuses).toEqual([
        { version: DEFAULT_RULE_SET.version, status: 'retired', canary_percent: 0 },
        { version: 'pineapple-1', status: 'active', canary_percent: 0 },
      ]);

      const audit = await arena
        .http()
        .get('/admin/audit')
        .query({ targetKind: 'rule_set', targetId: 'pineapple-1' })
        .set(bearer(moderator.token))
        .expect(200);
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
        'rule_set.promote',
        'rule_set.rollout',
        'rule_set.rollout',
        'rule_set.propose',
      ]);
      expect(audit.body.entries[3]).toMatchObject({
        actorId: admin.userId,
        actorRole: 'admin',
        reason: 'try the fruit rule',
        details: { percent: 30 },
      });
    });

    it('rolls a candidate back in one call: every room is on the active rules again', async () => {
      const room = roomIn((b) => b < 50);
      await adminPost('/admin/rollout/candidate', { ruleSet: candidate('no-pineapple-1'), percent: 50 }).expect(201);
      expect(await check('pineapple pizza', 'chat', room.roomId)).toMatchObject({
        allowed: true,
        arm: 'candidate',
        ruleSetVersion: 'no-pineapple-1',
      });
      const rolledBack = await adminPost('/admin/rollout/rollback', { reason: 'too lenient' }).expect(200);
      expect(rolledBack.body.rollout).toEqual({ active: { version: 'pineapple-1' }, candidate: null });
      expect(await check('pineapple pizza', 'chat', room.roomId)).toMatchObject({
        allowed: false,
        arm: 'active',
        ruleSetVersion: 'pineapple-1',
      });
      const [row] = await sql<{ status: string }>(
        arena,
        `SELECT status FROM rule_sets WHERE version = 'no-pineapple-1'`,
      );
      expect(row.status).toBe('retired');
      for (const path of ['/admin/rollout/rollback', '/admin/rollout/promote']) {
        const none = await adminPost(path).expect(409);
        expect(none.body.code).toBe('NO_CANDIDATE');
      }
      const noPercent = await arena
        .http()
        .put('/admin/rollout/percent')
        .set(bearer(admin.token))
        .send({ percent: 10 })
        .expect(409);
      expect(noPercent.body.code).toBe('NO_CANDIDATE');
    });

    it('a new candidate replaces the previous one; a version is never reused', async () => {
      await adminPost('/admin/rollout/candidate', { ruleSet: candidate('first-try'), percent: 10 }).expect(201);
      const second = await adminPost('/admin/rollout/candidate', {
        ruleSet: candidate('second-try'),
        percent: 20,
      }).expect(201);
      expect(second.body.rollout.candidate).toEqual({ version: 'second-try', percent: 20 });
      const rows = await sql<{ version: string; status: string }>(
        arena,
        `SELECT version, status FROM rule_sets WHERE version IN ('first-try', 'second-try') ORDER BY version`,
      );
      expect(rows).toEqual([
        { version: 'first-try', status: 'retired' },
        { version: 'second-try', status: 'candidate' },
      ]);
      const reused = await adminPost('/admin/rollout/candidate', {
        ruleSet: candidate('first-try'),
        percent: 5,
      }).expect(409);
      expect(reused.body.code).toBe('RULE_SET_VERSION_EXISTS');
      // The refused change left the candidate as it was.
      expect((await counters()).rollout.candidate).toEqual({ version: 'second-try', percent: 20 });
      await adminPost('/admin/rollout/rollback').expect(200);
    });

    it('refuses an invalid rule set with every problem, and a bad percentage', async () => {
      const broken = { version: 'broken 1', categories: { HATE: { terms: ['two words'] } } };
      const refused = await adminPost('/admin/rollout/candidate', { ruleSet: broken, percent: 10 }).expect(422);
      expect(refused.body.code).toBe('RULE_SET_INVALID');
      const paths = refused.body.details.problems.map((p: { path: string }) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['version', 'categories.HATE.terms[0]', 'categories.THREAT']));
      const badPercent = await adminPost('/admin/rollout/candidate', {
        ruleSet: candidate('ok-1'),
        percent: 101,
      }).expect(400);
      expect(badPercent.body.code).toBe('VALIDATION_FAILED');
      expect(await sql(arena, `SELECT version FROM rule_sets WHERE version = 'ok-1'`)).toEqual([]);
    });

    it('serves stored rule sets to moderators', async () => {
      const list = await arena.http().get('/admin/rule-sets').set(bearer(moderator.token)).expect(200);
      expect(list.body.ruleSets.map((r: { version: string }) => r.version)).toEqual(
        expect.arrayContaining([DEFAULT_RULE_SET.version, 'pineapple-1']),
      );
      const one = await arena.http().get('/admin/rule-sets/pineapple-1').set(bearer(moderator.token)).expect(200);
      expect(one.body.ruleSet).toMatchObject({ version: 'pineapple-1', status: 'active' });
      expect(one.body.ruleSet.rules.categories.SEXUAL.terms).toContain('pineapple');
      expect((await arena.http().get('/admin/rule-sets/nope').set(bearer(moderator.token)).expect(404)).body.code).toBe(
        'RULE_SET_NOT_FOUND',
      );
    });

    it('another process on the same database follows the rollout on its next refresh', async () => {
      const other = await createTestApp({ POLICY_REFRESH_MS: '100' }, arena.databaseUrl);
      try {
        const room = roomIn((b) => b < 40);
        const otherPort = other.app.get(ContentPolicyPort);
        expect(otherPort.check('mango smoothie', { surface: 'chat', roomId: room.roomId }).allowed).toBe(true);
        await adminPost('/admin/rollout/candidate', { ruleSet: candidate('mango-1', 'mango'), percent: 40 }).expect(
          201,
        );
        // Poll, not a timed assertion: the other process reloads on its own schedule.
        while (otherPort.check('mango smoothie', { surface: 'chat', roomId: room.roomId }).allowed)
          await new Promise((r) => setTimeout(r, 50));
        expect(
          otherPort.check('mango smoothie', { surface: 'chat', roomId: roomIn((b) => b >= 40).roomId }).allowed,
        ).toBe(true);
        await adminPost('/admin/rollout/rollback').expect(200);
        while (!otherPort.check('mango smoothie', { surface: 'chat', roomId: room.roomId }).allowed)
          await new Promise((r) => setTimeout(r, 50));
      } finally {
        await other.close();
      }
    });

    it('replays a rollout change sent twice with one Idempotency-Key', async () => {
      const body = { ruleSet: candidate('kiwi-1', 'kiwi'), percent: 15 };
      const first = await adminPost('/admin/rollout/candidate', body).set('Idempotency-Key', 'kiwi-stage').expect(201);
      const again = await adminPost('/admin/rollout/candidate', body).set('Idempotency-Key', 'kiwi-stage').expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const audits = await sql(
        arena,
        `SELECT id FROM audit_log WHERE action = 'rule_set.propose' AND target_id = 'kiwi-1'`,
      );
      expect(audits).toHaveLength(1);
      await adminPost('/admin/rollout/rollback').set('Idempotency-Key', 'kiwi-undo').expect(200);
      const undoneAgain = await adminPost('/admin/rollout/rollback').set('Idempotency-Key', 'kiwi-undo').expect(200);
      expect(undoneAgain.body.rollout.candidate).toBeNull();
    });
  });
});
