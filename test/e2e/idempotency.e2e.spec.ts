import { Client } from 'pg';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { ask, createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

describe('exactly once (Invariant 2)', () => {
  let arena: TestApp;
  let db: Client;
  let owner: { token: string; userId: string };

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED });
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    const registered = await arena
      .http()
      .post('/auth/register')
      .send({ username: 'owner', password: 'owner password', displayName: 'Owner' })
      .expect(201);
    owner = { token: registered.body.token, userId: registered.body.user.id };
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const agentCount = async () =>
    Number((await db.query(`SELECT count(*) FROM users WHERE owner_id = $1`, [owner.userId])).rows[0].count);
  const createAgent = (key: string, displayName = 'Robo') =>
    arena
      .http()
      .post('/agents')
      .set('Authorization', `Bearer ${owner.token}`)
      .set('Idempotency-Key', key)
      .send({ displayName });

  it('100 concurrent identical requests with one key: one effect, 100 identical answers', async () => {
    const before = await agentCount();
    const responses = await Promise.all(Array.from({ length: 100 }, () => createAgent('concurrent-key')));
    expect(await agentCount()).toBe(before + 1);
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    const bodies = new Set(responses.map((r) => JSON.stringify(r.body)));
    expect(bodies.size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(99);
    const stored = await db.query(`SELECT count(*) FROM idempotency_keys WHERE key = 'concurrent-key'`);
    expect(Number(stored.rows[0].count)).toBe(1);
  });

  it('a retry returns the first status and body', async () => {
    const first = await createAgent('retry-key', 'Retry bot').expect(201);
    const again = await createAgent('retry-key', 'Retry bot').expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await createAgent('reused-key', 'First').expect(201);
    const before = await agentCount();
    const reused = await createAgent('reused-key', 'Second').expect(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await agentCount()).toBe(before);
  });

  it('keys belong to their caller: another user with the same key gets its own effect', async () => {
    const other = await arena
      .http()
      .post('/auth/register')
      .send({ username: 'other', password: 'other password', displayName: 'Other' })
      .expect(201);
    await createAgent('shared-key').expect(201);
    const theirs = await arena
      .http()
      .post('/agents')
      .set('Authorization', `Bearer ${other.body.token}`)
      .set('Idempotency-Key', 'shared-key')
      .send({ displayName: 'Robo' })
      .expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.agent.ownerId).toBe(other.body.user.id);
  });

  it('a failed request stores nothing, so a corrected retry with the same key runs', async () => {
    await createAgent('fix-and-retry', '!').expect(400);
    const fixed = await createAgent('fix-and-retry', '!').expect(400);
    expect(fixed.body.code).toBe('VALIDATION_FAILED');
    const stored = await db.query(`SELECT count(*) FROM idempotency_keys WHERE key = 'fix-and-retry'`);
    expect(Number(stored.rows[0].count)).toBe(0);
  });

  it('refuses a malformed key with 400 IDEMPOTENCY_KEY_INVALID', async () => {
    const response = await createAgent('x'.repeat(300)).expect(400);
    expect(response.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });

  it('stores a response carrying a credential only sealed, yet replays it', async () => {
    const first = await createAgent('sealed-key', 'Sealed').expect(201);
    const row = await db.query(`SELECT response::text AS response FROM idempotency_keys WHERE key = 'sealed-key'`);
    expect(row.rows[0].response).not.toContain(first.body.agentKey);
    const again = await createAgent('sealed-key', 'Sealed').expect(201);
    expect(again.body.agentKey).toBe(first.body.agentKey);
  });

  it('the cleanup job removes entries past their TTL and keeps live ones; an expired key runs anew', async () => {
    await createAgent('old-key', 'Old').expect(201);
    await createAgent('live-key', 'Live').expect(201);
    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'old-key'`);
    const removed = await arena.app.get(IdempotencyService).removeExpired();
    expect(removed).toBe(1);
    const keys = (await db.query(`SELECT key FROM idempotency_keys WHERE key IN ('old-key', 'live-key')`)).rows.map(
      (r) => r.key,
    );
    expect(keys).toEqual(['live-key']);
    const before = await agentCount();
    const rerun = await createAgent('old-key', 'Old').expect(201);
    expect(rerun.headers['idempotent-replayed']).toBeUndefined();
    expect(await agentCount()).toBe(before + 1);
  });

  it('keeps entries for IDEMPOTENCY_TTL_HOURS', async () => {
    await createAgent('ttl-key', 'Ttl').expect(201);
    const row = await db.query(
      `SELECT extract(epoch FROM expires_at - created_at) AS seconds FROM idempotency_keys WHERE key = 'ttl-key'`,
    );
    expect(Math.round(Number(row.rows[0].seconds))).toBe(24 * 3600);
  });

  describe('socket events keyed by actionId', () => {
    const version = async (userId: string) =>
      Number((await db.query('SELECT version FROM users WHERE id = $1', [userId])).rows[0].version);

    it('20 concurrent copies of one action: one effect, 20 identical acks', async () => {
      const token = await arena.guest('Renamer');
      const me = await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      const socket = await arena.socket(token);
      const before = await version(me.body.id);
      const acks = await Promise.all(
        Array.from({ length: 20 }, () =>
          ask(socket, 'profile:rename', { actionId: 'rename-1', displayName: 'Renamed' }),
        ),
      );
      expect(await version(me.body.id)).toBe(before + 1);
      expect(new Set(acks.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify(acks[0])]));
      expect(acks[0]).toMatchObject({ ok: true, data: { displayName: 'Renamed' } });
    });

    it('a retry after a reconnect gets the first ack; another payload under the same actionId is refused', async () => {
      const token = await arena.guest('Retrier');
      const first = await arena.socket(token);
      const ack = await ask(first, 'profile:rename', { actionId: 'rename-2', displayName: 'Once' });
      first.disconnect();
      const second = await arena.socket(token);
      expect(await ask(second, 'profile:rename', { actionId: 'rename-2', displayName: 'Once' })).toEqual(ack);
      const reused = await ask(second, 'profile:rename', { actionId: 'rename-2', displayName: 'Twice' });
      expect(reused).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    });
  });
});
