import { Client } from 'pg';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { TransactionHost } from '../../src/database/transaction-host';
import { MessagingRepository } from '../../src/messaging/messaging.repository';
import { chatSocket, collect, collectMessages, group, players, until, waitForLockWaiters } from '../support/chat';
import { ask, createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

/** The chat battle tests: many concurrent copies over the real API on real PostgreSQL. */
describe('chat under concurrency', () => {
  let arena: TestApp;
  let db: Client;

  beforeAll(async () => {
    // The lock race below keeps 30 statements waiting at once, each on a connection of its own.
    arena = await createTestApp({ ...UNTHROTTLED, DATABASE_POOL_SIZE: '32' });
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params)).rows[0].count);

  it('100 concurrent identical REST sends with one key: one message, one stored result, one message id for all', async () => {
    const [ada, bob] = await players(arena, 2, 'Hundred');
    const id = await group(arena, ada, [bob]);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        arena
          .http()
          .post(`/conversations/${id}/messages`)
          .set(ada.auth)
          .set('Idempotency-Key', 'one-key')
          .send({ body: 'only once' }),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(99);
    expect(await count('SELECT count(*) FROM messages WHERE conversation_id = $1', [id])).toBe(1);
    expect(
      await count(`SELECT count(*) FROM idempotency_keys WHERE scope = $1 AND key = 'one-key'`, [`user:${ada.userId}`]),
    ).toBe(1);
    expect(await count('SELECT last_seq AS count FROM conversations WHERE id = $1', [id])).toBe(1);
  });

  it('100 concurrent identical socket sends with one clientMsgId: one message, one id in every ack, one delivery', async () => {
    const [ada, bob] = await players(arena, 2, 'SockHundred');
    const id = await group(arena, ada, [bob]);
    const [sockets, sb] = await Promise.all([
      Promise.all(Array.from({ length: 4 }, () => chatSocket(arena, ada.token))),
      chatSocket(arena, bob.token),
    ]);
    const atBob = collectMessages(sb);
    const acks = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ask(sockets[i % sockets.length], 'chat:send', {
          conversationId: id,
          clientMsgId: 'one-msg',
          body: 'only once',
        }),
      ),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(new Set(acks.map((a) => a.data.id)).size).toBe(1);
    expect(await count('SELECT count(*) FROM messages WHERE conversation_id = $1', [id])).toBe(1);
    await ask(sockets[0], 'chat:send', { conversationId: id, clientMsgId: 'fence', body: 'fence' });
    await until(() => atBob.some((m) => m.clientMsgId === 'fence'), 5000, 'the fence message');
    expect(atBob.map((m) => m.seq)).toEqual([1, 2]);
  });

  /** Fires `copies` sends of one message while the conversation's row is locked, so they all race on it, then lets them go. */
  async function race(conversationId: string, senderId: string, copies: number, inTransaction: boolean) {
    const repository = arena.app.get(MessagingRepository);
    const tx = arena.app.get(TransactionHost);
    const input = { conversationId, senderId, clientMsgId: 'raced', body: 'raced', roomRuleChecked: false };
    // Hold the conversation's row lock so every copy reads "no such message yet" and then queues on the lock.
    await db.query('BEGIN');
    await db.query('UPDATE conversations SET last_seq = last_seq WHERE id = $1', [conversationId]);
    const racing = Array.from({ length: copies }, () =>
      inTransaction ? tx.transaction(() => repository.send(input)) : repository.send(input),
    );
    await waitForLockWaiters(arena.databaseUrl, copies);
    await db.query('COMMIT');
    return Promise.all(racing);
  }

  it.each([
    ['on their own', false],
    ["each inside a request's transaction", true],
  ])(
    'the send statement, 30 copies racing %s (as from several processes): one message, no burnt seq, the same id for all',
    async (_label, inTransaction) => {
      const [ada] = await players(arena, 1, 'Statement');
      const id = await group(arena, ada, []);
      const results = await race(id, ada.userId, 30, inTransaction as boolean);
      expect(new Set(results.map((r) => ('message' in r ? r.message.id : r.outcome))).size).toBe(1);
      expect(results.filter((r) => r.outcome === 'sent')).toHaveLength(1);
      const next = await arena.app.get(MessagingRepository).send({
        conversationId: id,
        senderId: ada.userId,
        clientMsgId: 'after-race',
        body: 'next',
        roomRuleChecked: false,
      });
      expect('message' in next && next.message.seq).toBe(2);
    },
  );

  it('20 concurrent REST sends of one clientMsgId under 20 different keys: one message, every answer the same', async () => {
    const [ada] = await players(arena, 1, 'ManyKeys');
    const id = await group(arena, ada, []);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        arena
          .http()
          .post(`/conversations/${id}/messages`)
          .set(ada.auth)
          .set('Idempotency-Key', `key-${i}`)
          .send({ clientMsgId: 'one-message', body: 'once' }),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await count('SELECT count(*) FROM messages WHERE conversation_id = $1', [id])).toBe(1);
    expect(await count('SELECT last_seq AS count FROM conversations WHERE id = $1', [id])).toBe(1);
  });

  it('50 concurrent requests adding the same 10 members: exactly 11 members', async () => {
    const [owner, ...ten] = await players(arena, 11, 'Crowd');
    const id = await group(arena, owner, []);
    const userIds = ten.map((p) => p.userId);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        arena
          .http()
          .post(`/conversations/${id}/members`)
          .set(owner.auth)
          // Each request lists them in its own order: the repository's sorted insert keeps them deadlock-free.
          .send({ userIds: i % 2 === 0 ? userIds : [...userIds].reverse() }),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect(
      await count('SELECT count(*) FROM conversation_members WHERE conversation_id = $1 AND left_at IS NULL', [id]),
    ).toBe(11);
    expect(await count('SELECT count(*) FROM conversation_members WHERE conversation_id = $1', [id])).toBe(11);
    const added = responses.flatMap((r) => r.body.added as string[]);
    expect(added.sort()).toEqual([...userIds].sort());
    expect(await count('SELECT count(*) FROM welcome_packages WHERE conversation_id = $1', [id])).toBe(10);
  });

  it('5 senders x 40 messages, all concurrent: 200 messages, seq exactly 1..200, each sender in its own order', async () => {
    const senders = await players(arena, 5, 'Racer');
    const [first, ...rest] = senders;
    const id = await group(arena, first, rest);
    // Senders and a watcher of both kinds: reading packed deliveries (chat:messages) or one message a packet.
    const packed = ['chat:messages'];
    const [sockets, watcher, olderWatcher] = await Promise.all([
      Promise.all(senders.map((p, i) => chatSocket(arena, p.token, i % 2 === 0 ? packed : undefined))),
      chatSocket(arena, first.token, packed),
      chatSocket(arena, first.token),
    ]);
    const live = sockets.map((socket) => collectMessages(socket));
    const watched = collectMessages(watcher);
    const watchedOlder = collectMessages(olderWatcher);
    // Every message of every sender is emitted at once, without waiting for any ack.
    const acks = await Promise.all(
      sockets.flatMap((socket, s) =>
        Array.from({ length: 40 }, (_, n) =>
          ask(socket, 'chat:send', { conversationId: id, clientMsgId: `racer-${s}-${n}`, body: `${s}:${n}` }),
        ),
      ),
    );
    expect(acks.every((a) => a.ok)).toBe(true);

    const rows = (
      await db.query('SELECT seq, sender_id, body FROM messages WHERE conversation_id = $1 ORDER BY seq', [id])
    ).rows;
    expect(rows).toHaveLength(200);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const [s, sender] of senders.entries()) {
      const mine = rows.filter((r) => r.sender_id === sender.userId).map((r) => r.body);
      expect(mine).toEqual(Array.from({ length: 40 }, (_, n) => `${s}:${n}`));
    }
    expect(await count('SELECT last_seq AS count FROM conversations WHERE id = $1', [id])).toBe(200);

    // Live, however the messages were packed: a socket that sent none gets every one once, in seq order;
    // each sending socket gets every other sender's, once and in order, and none of its own.
    await until(
      () => watched.length >= 200 && watchedOlder.length >= 200 && live.every((seen) => seen.length >= 160),
      10_000,
      'live deliveries',
    );
    expect(watched.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(watchedOlder.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const [s, seen] of live.entries()) {
      expect(seen.map((m) => m.seq)).toEqual(
        rows.filter((r) => r.sender_id !== senders[s].userId).map((r) => Number(r.seq)),
      );
    }
  });

  it('50 concurrent leaves by the same member: exactly one takes effect, left_at set once', async () => {
    const [ada, bob, cy] = await players(arena, 3, 'Quitter');
    const id = await group(arena, ada, [bob, cy]);
    const sa = await chatSocket(arena, ada.token);
    const leftEvents = collect(sa, 'chat:member-left');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => arena.http().delete(`/conversations/${id}/members/me`).set(bob.auth)),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect(responses.filter((r) => r.body.changed)).toHaveLength(1);
    expect(new Set(responses.map((r) => r.body.leftAt)).size).toBe(1);
    const row = (
      await db.query('SELECT left_at FROM conversation_members WHERE conversation_id = $1 AND user_id = $2', [
        id,
        bob.userId,
      ])
    ).rows[0];
    expect(row.left_at.toISOString()).toBe(responses[0].body.leftAt);

    // Events reach a socket in the order they were sent: the fence comes after every leave's broadcast.
    const messages = collectMessages(sa);
    await ask(await chatSocket(arena, cy.token), 'chat:send', {
      conversationId: id,
      clientMsgId: 'after-leaves',
      body: 'fence',
    });
    await until(() => messages.length === 1, 5000, 'the fence');
    expect(leftEvents).toEqual([{ conversationId: id, userId: bob.userId }]);
  });

  it('welcome: fetch, crash without confirming, re-fetch inside the grace period succeeds; after it, 410', async () => {
    const [ada, bob] = await players(arena, 2, 'Crash');
    const id = await group(arena, ada, []);
    await arena
      .http()
      .post(`/conversations/${id}/messages`)
      .set(ada.auth)
      .set('Idempotency-Key', 'w1')
      .send({ body: 'before you came' })
      .expect(201);
    await arena
      .http()
      .post(`/conversations/${id}/members`)
      .set(ada.auth)
      .send({ userIds: [bob.userId] })
      .expect(200);

    const crashed = await chatSocket(arena, bob.token);
    const first = await ask(crashed, 'chat:welcome', { conversationId: id });
    expect(first).toMatchObject({ ok: true, data: { state: 'fetched', messages: [{ body: 'before you came' }] } });
    crashed.disconnect(); // the client dies before confirming

    // More happens meanwhile; the re-fetch returns the same package, and the client catches up from its lastSeq.
    await arena
      .http()
      .post(`/conversations/${id}/messages`)
      .set(ada.auth)
      .set('Idempotency-Key', 'w2')
      .send({ body: 'while you were away' })
      .expect(201);
    await db.query(
      `UPDATE welcome_packages SET fetched_at = fetched_at - interval '299 seconds' WHERE conversation_id = $1`,
      [id],
    );
    const restarted = await chatSocket(arena, bob.token);
    const again = await ask(restarted, 'chat:welcome', { conversationId: id });
    expect(again).toEqual(first);
    const rest = await ask(restarted, 'chat:history', { conversationId: id, after: first.data.conversation.lastSeq });
    expect(rest.data.messages.map((m: { body: string }) => m.body)).toEqual(['while you were away']);

    await db.query(
      `UPDATE welcome_packages SET fetched_at = fetched_at - interval '2 seconds' WHERE conversation_id = $1`,
      [id],
    );
    const expired = await arena.http().get(`/conversations/${id}/welcome`).set(bob.auth).expect(410);
    expect(expired.body).toMatchObject({ code: 'WELCOME_EXPIRED', details: { reason: 'grace_elapsed' } });
    expect((await arena.http().post(`/conversations/${id}/welcome/confirm`).set(bob.auth).expect(410)).body.code).toBe(
      'WELCOME_EXPIRED',
    );
  });

  it('concurrent first fetches of one welcome build it once and all get the same package', async () => {
    const [ada, bob] = await players(arena, 2, 'Fetcher');
    const id = await group(arena, ada, [bob]);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => arena.http().get(`/conversations/${id}/welcome`).set(bob.auth)),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it('chat REST sends: idempotency entries past their TTL are removed by the cleanup job, live ones kept; the message stays single', async () => {
    const [ada] = await players(arena, 1, 'Cleanup');
    const id = await group(arena, ada, []);
    const post = (key: string, body: string) =>
      arena.http().post(`/conversations/${id}/messages`).set(ada.auth).set('Idempotency-Key', key).send({ body });
    const old = await post('chat-old-key', 'old').expect(201);
    await post('chat-live-key', 'live').expect(201);
    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'chat-old-key'`);

    expect(await arena.app.get(IdempotencyService).removeExpired()).toBe(1);
    const keys = (await db.query(`SELECT key FROM idempotency_keys WHERE key LIKE 'chat-%' ORDER BY key`)).rows.map(
      (r) => r.key,
    );
    expect(keys).toEqual(['chat-live-key']);

    // The expired key runs anew, and the message's own (sender, clientMsgId) still answers with the first message.
    const rerun = await post('chat-old-key', 'old').expect(201);
    expect(rerun.headers['idempotent-replayed']).toBeUndefined();
    expect(rerun.body).toEqual(old.body);
    expect(await count('SELECT count(*) FROM messages WHERE conversation_id = $1', [id])).toBe(2);
  });
});
