import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { canonicalJson } from '../../src/common/idempotency/idempotency.service';
import { account, bearer } from '../support/moderation';
import { aid, ok } from '../support/rooms';
import { createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

/**
 * Issue 13 (1): exactly-once must never cost the server its connection pool. With a pool of 5, 100
 * concurrent copies of each idempotent route and event, and 100 users quick-matching at once, all get
 * their answer, one effect each, and the server still serves everyone afterwards.
 */
describe('idempotent work with a small connection pool', () => {
  const POOL = 5;
  const COPIES = 100;
  let arena: TestApp;
  let db: Client;
  const count = async (text: string, params: unknown[] = []) => Number((await db.query(text, params)).rows[0].count);

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED, DATABASE_POOL_SIZE: String(POOL) });
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  /** A signed-in guest (no key: not the thing under test) and its socket. */
  const guest = async (name: string) => {
    const response = await arena.http().post('/auth/guest').send({ displayName: name }).expect(201);
    return { token: response.body.token as string, userId: response.body.user.id as string };
  };
  const stillServes = async (token: string) => {
    const me = await arena.http().get('/me').set(bearer(token)).timeout(5000);
    expect(me.status).toBe(200);
    const health = await arena.http().get('/health').timeout(5000);
    expect(health.status).toBe(200);
  };
  /** An ack with room for 100 requests queued behind 5 connections on a busy 2-core machine. */
  const slowAsk = (socket: Socket, event: string, payload: unknown) =>
    socket.timeout(20_000).emitWithAck(event, payload);
  const sameAnswer = (replies: unknown[]) =>
    expect(new Set(replies.map((reply) => JSON.stringify(reply))).size).toBe(1);

  it('100 users quick-matching at once all get a seat, and the server serves afterwards', async () => {
    const users = await Promise.all(Array.from({ length: COPIES }, (_, i) => guest(`Matcher ${i}`)));
    const sockets = await Promise.all(users.map((user) => arena.socket(user.token)));
    const started = Date.now();
    const replies = await Promise.all(
      sockets.map((socket) => slowAsk(socket, 'lobby:quick-match', { actionId: aid('qm'), gameId: 'mafia' })),
    );
    console.log(`100 concurrent quick matches with a pool of ${POOL}: ${Date.now() - started} ms`);
    expect(replies.filter((reply) => !reply.ok)).toEqual([]);
    expect(
      await count(`SELECT count(DISTINCT user_id) AS count FROM room_seats WHERE user_id = ANY($1::uuid[])`, [
        users.map((u) => u.userId),
      ]),
    ).toBe(COPIES);
    await stillServes(users[0].token);
  });

  it('100 copies of one quick match: one seat, one stored result, 100 identical acks', async () => {
    const user = await guest('Impatient');
    const socket = await arena.socket(user.token);
    const actionId = aid('qm-copy');
    const replies = await Promise.all(
      Array.from({ length: COPIES }, () => slowAsk(socket, 'lobby:quick-match', { actionId, gameId: 'roast' })),
    );
    expect(replies[0].ok).toBe(true);
    sameAnswer(replies);
    expect(await count(`SELECT count(*) FROM room_seats WHERE user_id = $1`, [user.userId])).toBe(1);
    expect(await count(`SELECT count(*) FROM idempotency_keys WHERE scope = $1`, [`user:${user.userId}`])).toBe(1);
    await stillServes(user.token);
  });

  it('100 copies of POST /auth/guest with one key: one guest, 100 identical answers', async () => {
    const before = await count(`SELECT count(*) FROM users`);
    const responses = await Promise.all(
      Array.from({ length: COPIES }, () =>
        arena
          .http()
          .post('/auth/guest')
          .set('Idempotency-Key', 'one-guest')
          .send({ displayName: 'Once' })
          .timeout(15_000),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(COPIES).fill(201));
    sameAnswer(responses.map((r) => r.body));
    expect(await count(`SELECT count(*) FROM users`)).toBe(before + 1);
    await stillServes(responses[0].body.token);
  });

  it('100 users signing in at once with their own keys each get one session', async () => {
    const responses = await Promise.all(
      Array.from({ length: COPIES }, (_, i) =>
        arena
          .http()
          .post('/auth/guest')
          .set('Idempotency-Key', `own-${i}`)
          .send({ displayName: `Own ${i}` })
          .timeout(15_000),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(COPIES).fill(201));
    expect(new Set(responses.map((r) => r.body.user.id)).size).toBe(COPIES);
    await stillServes(responses[0].body.token);
  });

  it('100 copies of a room event: one seat, 100 identical acks', async () => {
    const host = await guest('Host');
    const hostSocket = await arena.socket(host.token);
    const room = await ok(hostSocket, 'room:create', { actionId: aid('create'), gameId: 'mafia', seatCount: 8 });
    const joiner = await guest('Joiner');
    const socket = await arena.socket(joiner.token);
    const actionId = aid('join');
    const replies = await Promise.all(
      Array.from({ length: COPIES }, () => slowAsk(socket, 'room:join', { actionId, roomId: room.roomId })),
    );
    expect(replies[0].ok).toBe(true);
    expect(new Set(replies.map((reply) => JSON.stringify([reply.ok, reply.data?.seat]))).size).toBe(1);
    expect(
      await count(`SELECT count(*) FROM room_seats WHERE room_id = $1 AND user_id = $2`, [room.roomId, joiner.userId]),
    ).toBe(1);
    await stillServes(joiner.token);
  });

  it('100 copies of a chat message, by socket and by REST: one message each, identical answers', async () => {
    const owner = await guest('Owner');
    const member = await guest('Member');
    const created = await arena
      .http()
      .post('/conversations')
      .set(bearer(owner.token))
      .send({ title: 'Crew', memberIds: [member.userId] })
      .expect(201);
    const conversationId = created.body.id as string;
    const socket: Socket = await arena.socket(owner.token);
    const bySocket = await Promise.all(
      Array.from({ length: COPIES }, () =>
        slowAsk(socket, 'chat:send', { conversationId, clientMsgId: 'socket-copy', body: 'hello' }),
      ),
    );
    expect(bySocket[0].ok).toBe(true);
    sameAnswer(bySocket);
    const byRest = await Promise.all(
      Array.from({ length: COPIES }, () =>
        arena
          .http()
          .post(`/conversations/${conversationId}/messages`)
          .set(bearer(owner.token))
          .set('Idempotency-Key', 'rest-copy')
          .send({ body: 'hi' })
          .timeout(15_000),
      ),
    );
    expect(byRest.map((r) => r.status)).toEqual(Array(COPIES).fill(201));
    sameAnswer(byRest.map((r) => r.body));
    expect(await count(`SELECT count(*) FROM messages WHERE conversation_id = $1`, [conversationId])).toBe(2);
    await stillServes(member.token);
  });

  it('100 copies of a chat event kept in the shared store: one group, identical acks', async () => {
    const owner = await guest('Group owner');
    const socket = await arena.socket(owner.token);
    const actionId = aid('group');
    const replies = await Promise.all(
      Array.from({ length: COPIES }, () =>
        slowAsk(socket, 'chat:create-group', { actionId, title: 'Once', memberIds: [] }),
      ),
    );
    expect(replies[0].ok).toBe(true);
    sameAnswer(replies);
    expect(await count(`SELECT count(*) FROM conversations WHERE created_by = $1`, [owner.userId])).toBe(1);
  });

  it('100 copies of a moderation POST: one sanction, 100 identical answers', async () => {
    const moderator = await account(arena, 'moderator', 'mod');
    const target = await guest('Noisy');
    const responses = await Promise.all(
      Array.from({ length: COPIES }, () =>
        arena
          .http()
          .post('/admin/sanctions')
          .set(bearer(moderator.token))
          .set('Idempotency-Key', 'one-mute')
          .send({ userId: target.userId, kind: 'mute', durationSeconds: 60, reason: 'spam' })
          .timeout(15_000),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(COPIES).fill(201));
    sameAnswer(responses.map((r) => r.body));
    expect(await count(`SELECT count(*) FROM sanctions WHERE user_id = $1`, [target.userId])).toBe(1);
    await stillServes(moderator.token);
  });
});

describe('work a quick match sets off', () => {
  let arena: TestApp;
  /** Statements sent on a client already busy with one: what pg warns about ("already executing a query"). */
  const queuedBehindAnother: string[] = [];
  const query = Client.prototype.query;

  beforeAll(async () => {
    // The same condition pg checks before its DeprecationWarning, which Node prints once per process.
    Client.prototype.query = function (this: Client & { _queryQueue: unknown[] }, ...args: unknown[]) {
      if (this._queryQueue.length > 0)
        queuedBehindAnother.push(String((args[0] as { text?: string })?.text ?? args[0]).slice(0, 80));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    arena = await createTestApp({ ...UNTHROTTLED });
  });
  afterAll(async () => {
    Client.prototype.query = query;
    await arena.close();
  });

  it('runs on connections of its own, never on one busy with the quick match', async () => {
    const tokens = await Promise.all(Array.from({ length: 12 }, (_, i) => arena.guest(`Quick ${i}`)));
    const sockets = await Promise.all(tokens.map((token) => arena.socket(token)));
    for (const gameId of ['mafia', 'roast']) {
      const replies = await Promise.all(
        sockets.map((socket) =>
          socket.timeout(20_000).emitWithAck('lobby:quick-match', { actionId: aid('qm'), gameId }),
        ),
      );
      expect(replies.filter((reply) => !reply.ok)).toEqual([]);
    }
    // Let the chat side of the new seats (room channels, memberships, phases) settle.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(queuedBehindAnother).toEqual([]);
  });
});

describe('exactly once across a crash and across processes', () => {
  let first: TestApp;
  let second: TestApp;
  let db: Client;
  const LEASE_MS = 1500;

  beforeAll(async () => {
    first = await createTestApp({ ...UNTHROTTLED, DATABASE_POOL_SIZE: '5', IDEMPOTENCY_LEASE_MS: String(LEASE_MS) });
    second = await createTestApp(
      { ...UNTHROTTLED, DATABASE_POOL_SIZE: '5', IDEMPOTENCY_LEASE_MS: String(LEASE_MS) },
      first.databaseUrl,
    );
    db = new Client({ connectionString: first.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await second.close();
    await first.close();
  });

  const guest = async (name: string) => {
    const response = await first.http().post('/auth/guest').send({ displayName: name }).expect(201);
    return { token: response.body.token as string, userId: response.body.user.id as string };
  };
  const groupsBy = async (userId: string) =>
    Number((await db.query(`SELECT count(*) FROM conversations WHERE created_by = $1`, [userId])).rows[0].count);
  /** What a process that died after claiming `key` (and before its answer was stored) leaves behind. */
  const abandonedClaim = (scope: string, key: string, fingerprint: string, leaseLeftMs: number) =>
    db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at, lease_token, lease_until)
       VALUES ($1, $2, $3, now() + interval '1 hour', gen_random_uuid(), now() + $4 * interval '1 millisecond')`,
      [scope, key, createHash('sha256').update(fingerprint).digest('base64url'), leaseLeftMs],
    );

  it('100 copies split over two processes: one effect, one stored result, the same answer', async () => {
    const owner = await guest('Two-node owner');
    const create = (arena: TestApp) =>
      arena
        .http()
        .post('/conversations')
        .set(bearer(owner.token))
        .set('Idempotency-Key', 'two-nodes')
        .send({ title: 'Shared', memberIds: [] })
        .timeout(15_000);
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => create(i % 2 === 0 ? first : second)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await groupsBy(owner.userId)).toBe(1);
  });

  it('a claim whose process died holds its key only until its lease runs out; then a retry runs once', async () => {
    const owner = await guest('Crash owner');
    const body = { title: 'After the crash', memberIds: [] };
    await abandonedClaim(`user:${owner.userId}`, 'crashed', `POST /conversations\n${canonicalJson(body)}`, LEASE_MS);
    const started = Date.now();
    const retries = await Promise.all(
      Array.from({ length: 10 }, () =>
        second
          .http()
          .post('/conversations')
          .set(bearer(owner.token))
          .set('Idempotency-Key', 'crashed')
          .send(body)
          .timeout(15_000),
      ),
    );
    expect(retries.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_MS - 200);
    expect(new Set(retries.map((r) => r.body.id)).size).toBe(1);
    expect(await groupsBy(owner.userId)).toBe(1);
    const reused = await first
      .http()
      .post('/conversations')
      .set(bearer(owner.token))
      .set('Idempotency-Key', 'crashed')
      .send({ ...body, title: 'Other' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a quick match whose answer a crash lost gets the seat it took, not a second one', async () => {
    const user = await guest('Crash matcher');
    const socket = await first.socket(user.token);
    const payload = { actionId: aid('qm-crash'), gameId: 'roast' };
    const matched = await socket.timeout(20_000).emitWithAck('lobby:quick-match', payload);
    expect(matched.ok).toBe(true);
    // The seat committed, then the process died before the answer was stored: the claim is all that is left.
    await db.query(`DELETE FROM idempotency_keys WHERE scope = $1`, [`user:${user.userId}`]);
    await abandonedClaim(
      `user:${user.userId}`,
      `ws:lobby:quick-match:${payload.actionId}`,
      `lobby:quick-match\n${canonicalJson(payload)}`,
      0,
    );
    const again = await (await second.socket(user.token)).timeout(20_000).emitWithAck('lobby:quick-match', payload);
    expect(again.ok).toBe(true);
    expect(again.data).toMatchObject({
      roomId: matched.data.roomId,
      seat: matched.data.seat,
      created: matched.data.created,
    });
    expect(
      Number((await db.query(`SELECT count(*) FROM room_seats WHERE user_id = $1`, [user.userId])).rows[0].count),
    ).toBe(1);
  });
});
