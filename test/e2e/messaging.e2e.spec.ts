import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ContentPolicyPort } from '../../src/common/ports/content-policy.port';
import { SanctionsPort } from '../../src/common/ports/sanctions.port';
import { ChatPublisher } from '../../src/messaging/chat.publisher';
import { addMember, chatSocket, collectMessages, group, type Player, player, players, until } from '../support/chat';
import { ask, createTestApp, nextEvent, type TestApp, UNTHROTTLED } from '../support/test-app';

describe('chat over REST and Socket.IO', () => {
  let arena: TestApp;
  let db: Client;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED });
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const send = (who: Player, conversationId: string, body: string, key: string = randomUUID()) =>
    arena
      .http()
      .post(`/conversations/${conversationId}/messages`)
      .set(who.auth)
      .set('Idempotency-Key', key)
      .send({ body });
  const history = (who: Player, conversationId: string, query = '') =>
    arena.http().get(`/conversations/${conversationId}/messages${query}`).set(who.auth);
  const seqs = (messages: Array<{ seq: number }>) => messages.map((m) => m.seq);

  describe('conversations', () => {
    it('creates a group with its creator as owner and lists it for every member', async () => {
      const [ada, bob, cy] = await players(arena, 3, 'Group');
      const created = await arena
        .http()
        .post('/conversations')
        .set(ada.auth)
        .send({ title: 'Friday', memberIds: [bob.userId, cy.userId, bob.userId] })
        .expect(201);
      expect(created.body).toMatchObject({ kind: 'group', title: 'Friday', lastSeq: 0, members: 3 });

      const detail = await arena.http().get(`/conversations/${created.body.id}`).set(bob.auth).expect(200);
      expect(detail.body.members.map((m: { userId: string; role: string }) => [m.userId, m.role]).sort()).toEqual(
        [
          [ada.userId, 'owner'],
          [bob.userId, 'member'],
          [cy.userId, 'member'],
        ].sort(),
      );
      for (const who of [ada, bob, cy]) {
        const mine = await arena.http().get('/conversations').set(who.auth).expect(200);
        expect(mine.body.map((c: { id: string }) => c.id)).toContain(created.body.id);
      }
    });

    it('has one direct conversation per pair, whoever opens it and however often', async () => {
      const [ada, bob] = await players(arena, 2, 'Direct');
      const first = await arena
        .http()
        .post('/conversations/direct')
        .set(ada.auth)
        .send({ userId: bob.userId })
        .expect(201);
      const again = await arena
        .http()
        .post('/conversations/direct')
        .set(ada.auth)
        .send({ userId: bob.userId })
        .expect(201);
      const reverse = await arena
        .http()
        .post('/conversations/direct')
        .set(bob.auth)
        .send({ userId: ada.userId })
        .expect(201);
      expect(first.body).toMatchObject({ kind: 'direct', created: true });
      expect([again.body.id, reverse.body.id]).toEqual([first.body.id, first.body.id]);
      expect([again.body.created, reverse.body.created]).toEqual([false, false]);
      const rows = await db.query(`SELECT count(*) FROM conversations WHERE kind = 'direct' AND direct_key LIKE $1`, [
        `%${ada.userId}%`,
      ]);
      expect(Number(rows.rows[0].count)).toBe(1);
    });

    it('refuses a direct conversation with oneself or an unknown user, and adding members to one', async () => {
      const [ada, bob, cy] = await players(arena, 3, 'Pair');
      expect(
        (await arena.http().post('/conversations/direct').set(ada.auth).send({ userId: ada.userId }).expect(400)).body
          .code,
      ).toBe('DIRECT_WITH_SELF');
      expect(
        (await arena.http().post('/conversations/direct').set(ada.auth).send({ userId: randomUUID() }).expect(404)).body
          .code,
      ).toBe('USER_NOT_FOUND');
      const direct = await arena
        .http()
        .post('/conversations/direct')
        .set(ada.auth)
        .send({ userId: bob.userId })
        .expect(201);
      const add = await arena
        .http()
        .post(`/conversations/${direct.body.id}/members`)
        .set(ada.auth)
        .send({ userIds: [cy.userId] })
        .expect(409);
      expect(add.body.code).toBe('MEMBERSHIP_MANAGED');
    });

    it('adds members to a group only for its members, and only users that exist', async () => {
      const [ada, bob, eve] = await players(arena, 3, 'Adder');
      const id = await group(arena, ada, []);
      expect(
        (
          await arena
            .http()
            .post(`/conversations/${id}/members`)
            .set(eve.auth)
            .send({ userIds: [eve.userId] })
            .expect(403)
        ).body.code,
      ).toBe('NOT_A_MEMBER');
      const unknown = await arena
        .http()
        .post(`/conversations/${id}/members`)
        .set(ada.auth)
        .send({ userIds: [bob.userId, randomUUID()] })
        .expect(404);
      expect(unknown.body.code).toBe('USER_NOT_FOUND');
      const added = await arena
        .http()
        .post(`/conversations/${id}/members`)
        .set(ada.auth)
        .send({ userIds: [bob.userId] })
        .expect(200);
      expect(added.body).toEqual({ conversationId: id, added: [bob.userId], members: 2 });
      const repeat = await arena
        .http()
        .post(`/conversations/${id}/members`)
        .set(ada.auth)
        .send({ userIds: [bob.userId] })
        .expect(200);
      expect(repeat.body).toEqual({ conversationId: id, added: [], members: 2 });
    });

    it('lets a member leave and come back with a new welcome', async () => {
      const [ada, bob] = await players(arena, 2, 'Leaver');
      const id = await group(arena, ada, [bob]);
      const left = await arena.http().delete(`/conversations/${id}/members/me`).set(bob.auth).expect(200);
      expect(left.body).toMatchObject({ conversationId: id, userId: bob.userId, changed: true });
      expect((await history(bob, id).expect(403)).body.code).toBe('NOT_A_MEMBER');
      await arena
        .http()
        .post(`/conversations/${id}/members`)
        .set(ada.auth)
        .send({ userIds: [bob.userId] })
        .expect(200);
      await history(bob, id).expect(200);
      const welcome = await arena.http().get(`/conversations/${id}/welcome`).set(bob.auth).expect(200);
      expect(welcome.body.state).toBe('fetched');
    });
  });

  describe('sending and reading over REST', () => {
    it('gives each message the next seq and replays a retry with the same key', async () => {
      const [ada, bob] = await players(arena, 2, 'Sender');
      const id = await group(arena, ada, [bob]);
      const first = await send(ada, id, 'hello', 'rest-key-1').expect(201);
      expect(first.body).toMatchObject({
        conversationId: id,
        seq: 1,
        senderId: ada.userId,
        clientMsgId: 'rest-key-1',
        body: 'hello',
      });
      const second = await send(bob, id, 'hi ada').expect(201);
      expect(second.body.seq).toBe(2);
      const retry = await send(ada, id, 'hello', 'rest-key-1').expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const page = await history(bob, id).expect(200);
      expect(page.body.messages.map((m: { body: string }) => m.body)).toEqual(['hello', 'hi ada']);
    });

    it('takes clientMsgId from the body, dedupes on it across keys, and refuses it for another message', async () => {
      const [ada] = await players(arena, 1, 'Keyed');
      const id = await group(arena, ada, []);
      const other = await group(arena, ada, []);
      const post = (conversationId: string, body: string, key: string) =>
        arena
          .http()
          .post(`/conversations/${conversationId}/messages`)
          .set(ada.auth)
          .set('Idempotency-Key', key)
          .send({ clientMsgId: 'same-msg', body });
      const first = await post(id, 'once', 'k1').expect(201);
      const again = await post(id, 'once', 'k2').expect(201);
      expect(again.body).toEqual(first.body);
      expect((await post(id, 'changed', 'k3').expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await post(other, 'once', 'k4').expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const count = await db.query('SELECT count(*) FROM messages WHERE sender_id = $1', [ada.userId]);
      expect(Number(count.rows[0].count)).toBe(1);
    });

    it('pages history forward with after, backward with before, and reports hasMore', async () => {
      const [ada] = await players(arena, 1, 'Pager');
      const id = await group(arena, ada, []);
      for (let i = 1; i <= 7; i++) await send(ada, id, `m${i}`).expect(201);
      const forward = await history(ada, id, '?after=0&limit=3').expect(200);
      expect([seqs(forward.body.messages), forward.body.hasMore, forward.body.lastSeq]).toEqual([[1, 2, 3], true, 7]);
      const next = await history(ada, id, '?after=3&limit=3').expect(200);
      expect([seqs(next.body.messages), next.body.hasMore]).toEqual([[4, 5, 6], true]);
      const last = await history(ada, id, '?after=6&limit=3').expect(200);
      expect([seqs(last.body.messages), last.body.hasMore]).toEqual([[7], false]);
      const newest = await history(ada, id, '?limit=2').expect(200);
      expect([seqs(newest.body.messages), newest.body.hasMore]).toEqual([[6, 7], true]);
      const back = await history(ada, id, '?before=3&limit=5').expect(200);
      expect([seqs(back.body.messages), back.body.hasMore]).toEqual([[1, 2], false]);
      const between = await history(ada, id, '?after=2&before=6').expect(200);
      expect(seqs(between.body.messages)).toEqual([3, 4, 5]);
    });

    it('keeps read markers monotonic and counts unread messages by others', async () => {
      const [ada, bob] = await players(arena, 2, 'Reader');
      const id = await group(arena, ada, [bob]);
      for (let i = 1; i <= 3; i++) await send(ada, id, `news ${i}`).expect(201);
      await send(bob, id, 'mine').expect(201);
      const unread = await arena.http().get('/conversations/unread').set(bob.auth).expect(200);
      expect(unread.body.conversations.find((c: { id: string }) => c.id === id)).toEqual({
        id,
        lastSeq: 4,
        readSeq: 0,
        unread: 3,
      });

      expect(
        (await arena.http().put(`/conversations/${id}/read`).set(bob.auth).send({ seq: 2 }).expect(200)).body,
      ).toEqual({ conversationId: id, readSeq: 2, unread: 1 });
      expect(
        (await arena.http().put(`/conversations/${id}/read`).set(bob.auth).send({ seq: 1 }).expect(200)).body.readSeq,
      ).toBe(2);
      expect(
        (await arena.http().put(`/conversations/${id}/read`).set(bob.auth).send({ seq: 99 }).expect(200)).body,
      ).toEqual({ conversationId: id, readSeq: 4, unread: 0 });
      const after = await arena.http().get('/conversations/unread').set(bob.auth).expect(200);
      expect(after.body.conversations.find((c: { id: string }) => c.id === id).unread).toBe(0);
    });
  });

  describe('bad input', () => {
    let ada: Player;
    let eve: Player;
    let id: string;

    beforeAll(async () => {
      [ada, eve] = await players(arena, 2, 'Strict');
      id = await group(arena, ada, []);
    });

    it.each([
      ['an empty body', 'BODY_EMPTY', ''],
      ['a blank body', 'BODY_EMPTY', ' \n\t '],
      ['a body one character too long', 'BODY_TOO_LONG', 'x'.repeat(2001)],
      ['a body with a control character', 'BODY_INVALID', 'a\u0007b'],
      // NUL, like any text PostgreSQL cannot store, is refused at the edge, before the body's own checks.
      ['a body with a NUL character', 'VALIDATION_FAILED', 'a\u0000b'],
    ])('refuses %s with 400 %s and takes no seq', async (_label, code, body) => {
      const response = await send(ada, id, body).expect(400);
      expect(response.body.code).toBe(code);
      const conversation = await db.query('SELECT last_seq FROM conversations WHERE id = $1', [id]);
      expect(Number(conversation.rows[0].last_seq)).toBe(0);
    });

    it('accepts a body of exactly the limit, counting an emoji as one character', async () => {
      const response = await send(ada, id, '😀'.repeat(2000)).expect(201);
      expect(response.body.seq).toBe(1);
    });

    it('answers an unknown conversation with 404 and a non-member with 403, everywhere', async () => {
      const unknown = randomUUID();
      expect((await send(ada, unknown, 'hi').expect(404)).body.code).toBe('CONVERSATION_NOT_FOUND');
      expect((await history(ada, unknown).expect(404)).body.code).toBe('CONVERSATION_NOT_FOUND');
      expect((await send(eve, id, 'let me in').expect(403)).body.code).toBe('NOT_A_MEMBER');
      expect((await history(eve, id).expect(403)).body.code).toBe('NOT_A_MEMBER');
      expect(
        (await arena.http().put(`/conversations/${id}/read`).set(eve.auth).send({ seq: 1 }).expect(403)).body.code,
      ).toBe('NOT_A_MEMBER');
      expect((await arena.http().get(`/conversations/${id}`).set(eve.auth).expect(403)).body.code).toBe('NOT_A_MEMBER');
      expect((await arena.http().delete(`/conversations/${id}/members/me`).set(eve.auth).expect(403)).body.code).toBe(
        'NOT_A_MEMBER',
      );
    });

    it.each([
      [
        'a malformed conversation id',
        (p: Player) => arena.http().get('/conversations/not-a-uuid/messages').set(p.auth),
      ],
      [
        'a malformed member id',
        (p: Player) =>
          arena
            .http()
            .post(`/conversations/${id}/members`)
            .set(p.auth)
            .send({ userIds: ['12'] }),
      ],
      [
        'a body that is not text',
        (p: Player) =>
          arena.http().post(`/conversations/${id}/messages`).set(p.auth).send({ clientMsgId: 'n', body: 42 }),
      ],
      [
        'an unknown field',
        (p: Player) =>
          arena.http().post(`/conversations/${id}/messages`).set(p.auth).send({ clientMsgId: 'u', body: 'x', seq: 9 }),
      ],
      [
        'a clientMsgId with spaces',
        (p: Player) =>
          arena.http().post(`/conversations/${id}/messages`).set(p.auth).send({ clientMsgId: 'a b', body: 'x' }),
      ],
      ['a limit of 0', (p: Player) => history(p, id, '?limit=0')],
      ['a limit over 200', (p: Player) => history(p, id, '?limit=201')],
      ['an after that is not a number', (p: Player) => history(p, id, '?after=abc')],
      [
        'a negative read marker',
        (p: Player) => arena.http().put(`/conversations/${id}/read`).set(p.auth).send({ seq: -1 }),
      ],
      [
        'a group without a title',
        (p: Player) => arena.http().post('/conversations').set(p.auth).send({ memberIds: [] }),
      ],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_label, request) => {
      const response = await request(ada).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('needs a clientMsgId or an Idempotency-Key to send over REST', async () => {
      const response = await arena
        .http()
        .post(`/conversations/${id}/messages`)
        .set(ada.auth)
        .send({ body: 'no key' })
        .expect(400);
      expect(response.body.code).toBe('CLIENT_MSG_ID_REQUIRED');
    });

    it('answers bad socket payloads in the ack with their codes', async () => {
      const socket = await chatSocket(arena, ada.token);
      const cases: Array<[unknown, string]> = [
        [{ conversationId: 'nope', clientMsgId: 'a', body: 'x' }, 'VALIDATION_FAILED'],
        [{ conversationId: id, body: 'x' }, 'VALIDATION_FAILED'],
        [{ conversationId: id, clientMsgId: 'b', body: null }, 'VALIDATION_FAILED'],
        ['just a string', 'VALIDATION_FAILED'],
        [{ conversationId: id, clientMsgId: 'c', body: '' }, 'BODY_EMPTY'],
        [{ conversationId: id, clientMsgId: 'd', body: 'y'.repeat(2001) }, 'BODY_TOO_LONG'],
        [{ conversationId: randomUUID(), clientMsgId: 'e', body: 'x' }, 'CONVERSATION_NOT_FOUND'],
      ];
      for (const [payload, code] of cases) {
        expect(await ask(socket, 'chat:send', payload)).toMatchObject({ ok: false, error: { code } });
      }
      const outsider = await chatSocket(arena, eve.token);
      expect(await ask(outsider, 'chat:send', { conversationId: id, clientMsgId: 'f', body: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_A_MEMBER' },
      });
      expect(await ask(outsider, 'chat:history', { conversationId: id })).toMatchObject({
        ok: false,
        error: { code: 'NOT_A_MEMBER' },
      });
      expect(await ask(socket, 'chat:history', { conversationId: id, limit: 'many' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(await ask(socket, 'chat:sync', { cursors: [{ conversationId: id, afterSeq: -4 }] })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    });
  });

  describe('moderation seams', () => {
    afterEach(() => {
      arena.app
        .get(SanctionsPort)
        .use({ activeBan: async () => null, activeMute: async () => null, activeKick: async () => null });
      arena.app.get(ContentPolicyPort).use(() => ({ allowed: true, code: null, category: null }));
    });

    it('refuses a muted sender with 403 MUTED and its expiry, yet replays a message stored before the mute', async () => {
      const [ada] = await players(arena, 1, 'Muted');
      const id = await group(arena, ada, []);
      const before = await send(ada, id, 'before the mute', 'pre-mute').expect(201);
      const expiresAt = new Date(Date.now() + 60_000).toISOString();
      arena.app.get(SanctionsPort).use({
        activeBan: async () => null,
        activeKick: async () => null,
        activeMute: async (userId) => (userId === ada.userId ? { kind: 'mute', expiresAt } : null),
      });
      const muted = await arena
        .http()
        .post(`/conversations/${id}/messages`)
        .set(ada.auth)
        .send({ clientMsgId: 'during', body: 'let me talk' })
        .expect(403);
      expect(muted.body).toMatchObject({ code: 'MUTED', details: { expiresAt } });
      const retry = await arena
        .http()
        .post(`/conversations/${id}/messages`)
        .set(ada.auth)
        .send({ clientMsgId: 'pre-mute', body: 'before the mute' })
        .expect(201);
      expect(retry.body).toEqual(before.body);
    });

    it('passes the body through the content policy with surface chat', async () => {
      const [ada] = await players(arena, 1, 'Policed');
      const id = await group(arena, ada, []);
      const seen: unknown[] = [];
      arena.app.get(ContentPolicyPort).use((text, check) => {
        seen.push(check);
        return text.includes('forbidden')
          ? { allowed: false, code: 'CONTENT_BLOCKED', category: 'test' }
          : { allowed: true, code: null, category: null };
      });
      const refused = await send(ada, id, 'a forbidden word').expect(422);
      expect(refused.body).toMatchObject({ code: 'CONTENT_BLOCKED', details: { field: 'body', category: 'test' } });
      await send(ada, id, 'a fine word').expect(201);
      expect(seen).toContainEqual({ surface: 'chat', roomId: undefined, userId: ada.userId });
    });
  });

  describe('live over Socket.IO', () => {
    it('acks a send after commit and delivers it to every online member in order', async () => {
      const [ada, bob, cy] = await players(arena, 3, 'Live');
      const id = await group(arena, ada, [bob, cy]);
      const [sa, sb, sc] = await Promise.all([ada, bob, cy].map((p) => chatSocket(arena, p.token)));
      const atBob = collectMessages(sb);
      const atCy = collectMessages(sc);
      const acks = [];
      for (let i = 1; i <= 5; i++) {
        const ack = await ask(sa, 'chat:send', { conversationId: id, clientMsgId: `live-${i}`, body: `line ${i}` });
        expect(ack).toMatchObject({ ok: true, data: { seq: i, body: `line ${i}` } });
        const stored = await db.query('SELECT seq FROM messages WHERE id = $1', [ack.data.id]);
        expect(Number(stored.rows[0].seq)).toBe(i);
        acks.push(ack.data);
      }
      await until(() => atBob.length === 5 && atCy.length === 5, 5000, 'deliveries');
      expect(atBob).toEqual(acks);
      expect(atCy).toEqual(acks);
    });

    it("packs a conversation's messages of one commit into one chat:messages per socket that reads it, in order, without the socket's own", async () => {
      const [ada, bob, cy, dan] = await players(arena, 4, 'Packed');
      const id = await group(arena, ada, [bob, cy]);
      const packed = ['chat:messages'];
      const [sa, adaOther, sb, sc, outsider, cyOlderClient] = await Promise.all([
        chatSocket(arena, ada.token, packed),
        chatSocket(arena, ada.token, ['some:future-feature', 'chat:messages']), // a name this server does not know is ignored
        chatSocket(arena, bob.token, packed),
        chatSocket(arena, cy.token, packed),
        chatSocket(arena, dan.token, packed),
        chatSocket(arena, cy.token), // declares no features: gets chat:message only
      ]);
      const packets = (socket: typeof sa) => {
        const seen: Array<[string, number[]]> = [];
        socket.on('chat:message', (m: { seq: number }) => seen.push(['chat:message', [m.seq]]));
        socket.on('chat:messages', (b: { conversationId: string; messages: Array<{ seq: number }> }) => {
          expect(b.conversationId).toBe(id);
          seen.push(['chat:messages', seqs(b.messages)]);
        });
        return seen;
      };
      const [atAda, atAdaOther, atBob, atCy, atOutsider, atCyOlder] = [
        sa,
        adaOther,
        sb,
        sc,
        outsider,
        cyOlderClient,
      ].map(packets);
      const message = (seq: number, sender: Player) => ({
        id: randomUUID(),
        conversationId: id,
        seq,
        senderId: sender.userId,
        clientMsgId: `p-${seq}`,
        body: `packed ${seq}`,
        sentAt: new Date().toISOString(),
      });

      // Four messages released in one turn of the event loop, as one group commit releases them.
      const publisher = arena.app.get(ChatPublisher);
      publisher.message(message(1, ada), sa.id);
      publisher.message(message(2, bob), sb.id);
      publisher.message(message(3, ada), sa.id);
      publisher.message(message(4, dan), outsider.id); // a socket outside the conversation, named as a sender
      await until(
        () =>
          atCy.length > 0 && atAdaOther.length > 0 && atAda.length > 0 && atBob.length > 0 && atCyOlder.length === 4,
        5000,
        'the packets',
      );
      await ask(outsider, 'chat:conversations'); // anything sent to it would have arrived before this ack

      expect(atCy).toEqual([['chat:messages', [1, 2, 3, 4]]]);
      expect(atAdaOther).toEqual([['chat:messages', [1, 2, 3, 4]]]);
      expect(atAda).toEqual([['chat:messages', [2, 4]]]);
      expect(atBob).toEqual([['chat:messages', [1, 3, 4]]]);
      expect(atOutsider).toEqual([]);
      expect(atCyOlder).toEqual([1, 2, 3, 4].map((seq) => ['chat:message', [seq]]));

      // A message alone in its turn still comes as chat:message.
      publisher.message(message(5, cy), sc.id);
      await until(() => atAda.length === 2 && atBob.length === 2, 5000, 'the lone message');
      expect(atAda[1]).toEqual(['chat:message', [5]]);
      expect(atBob[1]).toEqual(['chat:message', [5]]);
    });

    it("puts an added member's sockets where each reads: one chat:messages on a socket that declared it, chat:message on one that did not", async () => {
      const [ada, bob] = await players(arena, 2, 'Added');
      const id = await group(arena, ada, []);
      const [packedSocket, singleSocket] = await Promise.all([
        chatSocket(arena, bob.token, ['chat:messages']),
        chatSocket(arena, bob.token),
      ]);
      await addMember(arena, ada, id, bob, [packedSocket, singleSocket]);
      const [atPacked, atSingle] = [packedSocket, singleSocket].map((socket) => {
        const seen: string[] = [];
        socket.on('chat:messages', (b: { messages: Array<{ seq: number }> }) =>
          seen.push(`chat:messages ${seqs(b.messages)}`),
        );
        socket.on('chat:message', (m: { seq: number }) => seen.push(`chat:message ${m.seq}`));
        return seen;
      });
      const message = (seq: number) => ({
        id: randomUUID(),
        conversationId: id,
        seq,
        senderId: ada.userId,
        clientMsgId: `add-${seq}`,
        body: `added ${seq}`,
        sentAt: new Date().toISOString(),
      });

      const publisher = arena.app.get(ChatPublisher);
      publisher.message(message(1));
      publisher.message(message(2));
      await until(() => atPacked.length === 1 && atSingle.length === 2, 5000, 'the deliveries');
      await Promise.all([packedSocket, singleSocket].map((s) => ask(s, 'chat:conversations'))); // anything more would have come first

      expect(atPacked).toEqual(['chat:messages 1,2']);
      expect(atSingle).toEqual(['chat:message 1', 'chat:message 2']);
    });

    it('sends what was committed before a membership change first: a leaver still gets it live, a joiner never', async () => {
      const [ada, bob, cy] = await players(arena, 3, 'Fence');
      const id = await group(arena, ada, [bob]);
      // One socket of each kind: reading packed deliveries, and not.
      const [sb, sc] = await Promise.all([
        chatSocket(arena, bob.token),
        chatSocket(arena, cy.token, ['chat:messages']),
      ]);
      const [atBob, atCy] = [collectMessages(sb), collectMessages(sc)];
      const message = (seq: number) => ({
        id: randomUUID(),
        conversationId: id,
        seq,
        senderId: ada.userId,
        clientMsgId: `f-${seq}`,
        body: `fenced ${seq}`,
        sentAt: new Date().toISOString(),
      });

      // All in one turn of the event loop, as a commit and membership changes can land together.
      const publisher = arena.app.get(ChatPublisher);
      publisher.message(message(1));
      publisher.membersJoined(id, [cy.userId], false);
      publisher.memberLeft(id, bob.userId);
      publisher.message(message(2));
      await until(() => atBob.length > 0 && atCy.length > 0, 5000, 'the deliveries');
      await Promise.all([sb, sc].map((s) => ask(s, 'chat:conversations'))); // anything more would have come before these acks

      expect(atBob.map((m) => m.seq)).toEqual([1]);
      expect(atCy.map((m) => m.seq)).toEqual([2]);
    });

    it("gives the sending socket its message in the ack only; the sender's other sockets get it live", async () => {
      const [ada, bob] = await players(arena, 2, 'Echo');
      const id = await group(arena, ada, [bob]);
      const [sending, otherDevice, sb] = await Promise.all([
        chatSocket(arena, ada.token),
        chatSocket(arena, ada.token),
        chatSocket(arena, bob.token),
      ]);
      const atSending = collectMessages(sending);
      const atOtherDevice = collectMessages(otherDevice);
      const atBob = collectMessages(sb);
      const ack = await ask(sending, 'chat:send', { conversationId: id, clientMsgId: 'echo', body: 'echo?' });
      const fence = await ask(sb, 'chat:send', { conversationId: id, clientMsgId: 'echo-fence', body: 'fence' });
      await until(() => atSending.length === 1 && atOtherDevice.length === 2 && atBob.length === 1, 5000, 'deliveries');
      expect(atSending).toEqual([fence.data]);
      expect(atOtherDevice).toEqual([ack.data, fence.data]);
      expect(atBob).toEqual([ack.data]);
    });

    it('answers a repeated clientMsgId with the first message and no second delivery', async () => {
      const [ada, bob] = await players(arena, 2, 'Repeat');
      const id = await group(arena, ada, [bob]);
      const [sa, sb] = await Promise.all([chatSocket(arena, ada.token), chatSocket(arena, bob.token)]);
      const atBob = collectMessages(sb);
      const first = await ask(sa, 'chat:send', { conversationId: id, clientMsgId: 'twice', body: 'once' });
      const second = await ask(sa, 'chat:send', { conversationId: id, clientMsgId: 'twice', body: 'once' });
      expect(second).toEqual(first);
      const reused = await ask(sa, 'chat:send', { conversationId: id, clientMsgId: 'twice', body: 'different' });
      expect(reused).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      const marker = await ask(sa, 'chat:send', { conversationId: id, clientMsgId: 'marker', body: 'marker' });
      expect(marker.data.seq).toBe(2);
      await until(() => atBob.some((m) => m.clientMsgId === 'marker'), 5000, 'the marker');
      expect(atBob.map((m) => m.seq)).toEqual([1, 2]);
    });

    it("after a reconnect, sends everything since the client's last seq, in order, then live again", async () => {
      const [ada, bob] = await players(arena, 2, 'Reconnect');
      const id = await group(arena, ada, [bob]);
      const sa = await chatSocket(arena, ada.token);
      let sb = await chatSocket(arena, bob.token);
      const seen = collectMessages(sb);
      for (let i = 1; i <= 3; i++)
        await ask(sa, 'chat:send', { conversationId: id, clientMsgId: `r-${i}`, body: `before ${i}` });
      await until(() => seen.length === 3, 5000, 'the first three');
      const lastSeq = seen.at(-1).seq;
      sb.disconnect();

      for (let i = 4; i <= 9; i++)
        await ask(sa, 'chat:send', { conversationId: id, clientMsgId: `r-${i}`, body: `while away ${i}` });
      sb = await chatSocket(arena, bob.token);
      const live = collectMessages(sb);
      const sync = await ask(sb, 'chat:sync', { cursors: [{ conversationId: id, afterSeq: lastSeq }] });
      expect(sync.ok).toBe(true);
      expect(sync.data.refused).toEqual([]);
      expect(sync.data.conversations).toHaveLength(1);
      expect(sync.data.conversations[0]).toMatchObject({ conversationId: id, lastSeq: 9, hasMore: false });
      expect(seqs(sync.data.conversations[0].messages)).toEqual([4, 5, 6, 7, 8, 9]);

      await ask(sa, 'chat:send', { conversationId: id, clientMsgId: 'r-10', body: 'back live' });
      await until(() => live.length === 1, 5000, 'the live message');
      expect(live[0].seq).toBe(10);
    });

    it('syncs page by page with hasMore, and names the conversations it refuses', async () => {
      const [ada, eve] = await players(arena, 2, 'Syncer');
      const id = await group(arena, ada, []);
      const theirs = await group(arena, eve, []);
      const sa = await chatSocket(arena, ada.token);
      for (let i = 1; i <= 5; i++)
        await ask(sa, 'chat:send', { conversationId: id, clientMsgId: `s-${i}`, body: `${i}` });
      const unknown = randomUUID();
      const page = await ask(sa, 'chat:sync', {
        cursors: [
          { conversationId: id, afterSeq: 1 },
          { conversationId: theirs, afterSeq: 0 },
          { conversationId: unknown, afterSeq: 0 },
        ],
        limit: 3,
      });
      expect(seqs(page.data.conversations[0].messages)).toEqual([2, 3, 4]);
      expect(page.data.conversations[0].hasMore).toBe(true);
      expect(page.data.refused).toEqual([
        { conversationId: theirs, code: 'NOT_A_MEMBER' },
        { conversationId: unknown, code: 'CONVERSATION_NOT_FOUND' },
      ]);
    });

    it("joins an added member's sockets at once and tells them a welcome is waiting; a leaver stops receiving", async () => {
      const [ada, bob, cy] = await players(arena, 3, 'Join');
      const id = await group(arena, ada, [cy]);
      const [sa, sb, sc] = await Promise.all([ada, bob, cy].map((p) => chatSocket(arena, p.token)));
      const welcomeReady = nextEvent(sb, 'chat:welcome-ready');
      const ack = await ask(sa, 'chat:add-members', { actionId: 'add-bob', conversationId: id, userIds: [bob.userId] });
      expect(ack).toMatchObject({ ok: true, data: { added: [bob.userId], members: 3 } });
      expect(await welcomeReady).toEqual({ conversationId: id });

      const atBob = collectMessages(sb);
      const atCy = collectMessages(sc);
      const left = nextEvent(sa, 'chat:member-left');
      expect(await ask(sc, 'chat:leave', { actionId: 'cy-leaves', conversationId: id })).toMatchObject({
        ok: true,
        data: { changed: true },
      });
      expect(await left).toEqual({ conversationId: id, userId: cy.userId });
      await ask(sa, 'chat:send', { conversationId: id, clientMsgId: 'after-join', body: 'welcome bob' });
      await ask(sa, 'chat:send', { conversationId: id, clientMsgId: 'fence', body: 'fence' });
      await until(() => atBob.length === 2, 5000, "bob's messages");
      // Cy's socket is connected and would have received both by now, like bob's: it gets none.
      expect(atCy).toEqual([]);
    });

    it('lists conversations with unread counts and moves the read marker over the socket', async () => {
      const [ada, bob] = await players(arena, 2, 'Unread');
      const id = await group(arena, ada, [bob]);
      const [sa, sb] = await Promise.all([chatSocket(arena, ada.token), chatSocket(arena, bob.token)]);
      for (let i = 1; i <= 4; i++)
        await ask(sa, 'chat:send', { conversationId: id, clientMsgId: `u-${i}`, body: `${i}` });
      const list = await ask(sb, 'chat:conversations');
      expect(list.data.find((c: { id: string }) => c.id === id)).toMatchObject({ lastSeq: 4, readSeq: 0, unread: 4 });
      const otherDevice = await chatSocket(arena, bob.token);
      const synced = nextEvent(otherDevice, 'chat:read-marker');
      expect(await ask(sb, 'chat:read', { conversationId: id, seq: 3 })).toEqual({
        ok: true,
        data: { conversationId: id, readSeq: 3, unread: 1 },
      });
      expect(await synced).toEqual({ conversationId: id, readSeq: 3, unread: 1 });
    });
  });

  describe('welcome delivery', () => {
    it('builds the package at the first fetch, confirms it, and is gone after', async () => {
      const [ada, bob] = await players(arena, 2, 'Welcome');
      const id = await group(arena, ada, []);
      for (let i = 1; i <= 3; i++) await send(ada, id, `history ${i}`).expect(201);
      await arena
        .http()
        .post(`/conversations/${id}/members`)
        .set(ada.auth)
        .send({ userIds: [bob.userId] })
        .expect(200);

      const early = await arena.http().post(`/conversations/${id}/welcome/confirm`).set(bob.auth).expect(409);
      expect(early.body.code).toBe('WELCOME_NOT_FETCHED');
      const welcome = await arena.http().get(`/conversations/${id}/welcome`).set(bob.auth).expect(200);
      expect(welcome.body).toMatchObject({
        conversation: { id, kind: 'group', lastSeq: 3 },
        readSeq: 0,
        state: 'fetched',
      });
      expect(welcome.body.members.map((m: { userId: string }) => m.userId).sort()).toEqual(
        [ada.userId, bob.userId].sort(),
      );
      expect(welcome.body.messages.map((m: { body: string }) => m.body)).toEqual([
        'history 1',
        'history 2',
        'history 3',
      ]);
      expect(Date.parse(welcome.body.graceEndsAt) - Date.parse(welcome.body.fetchedAt)).toBe(300_000);

      const confirmed = await arena.http().post(`/conversations/${id}/welcome/confirm`).set(bob.auth).expect(200);
      expect(confirmed.body).toMatchObject({ conversationId: id, state: 'confirmed' });
      expect((await arena.http().post(`/conversations/${id}/welcome/confirm`).set(bob.auth).expect(200)).body).toEqual(
        confirmed.body,
      );
      const gone = await arena.http().get(`/conversations/${id}/welcome`).set(bob.auth).expect(410);
      expect(gone.body).toMatchObject({ code: 'WELCOME_EXPIRED', details: { reason: 'confirmed' } });
    });

    it('answers 404 without a welcome, 403 to a non-member, 404 for an unknown conversation', async () => {
      const [ada, eve] = await players(arena, 2, 'NoWelcome');
      const id = await group(arena, ada, []);
      expect((await arena.http().get(`/conversations/${id}/welcome`).set(ada.auth).expect(404)).body.code).toBe(
        'WELCOME_NOT_FOUND',
      );
      expect((await arena.http().get(`/conversations/${id}/welcome`).set(eve.auth).expect(403)).body.code).toBe(
        'NOT_A_MEMBER',
      );
      expect(
        (await arena.http().get(`/conversations/${randomUUID()}/welcome`).set(eve.auth).expect(404)).body.code,
      ).toBe('CONVERSATION_NOT_FOUND');
      expect((await arena.http().get('/conversations/zzz/welcome').set(eve.auth).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
    });

    it('works over the socket too', async () => {
      const [ada, bob] = await players(arena, 2, 'SockWelcome');
      const id = await group(arena, ada, [bob]);
      const sb = await chatSocket(arena, bob.token);
      const fetched = await ask(sb, 'chat:welcome', { conversationId: id });
      expect(fetched).toMatchObject({ ok: true, data: { conversation: { id }, state: 'fetched' } });
      expect(await ask(sb, 'chat:welcome', { conversationId: id })).toEqual(fetched);
      expect(await ask(sb, 'chat:welcome-confirm', { conversationId: id })).toMatchObject({
        ok: true,
        data: { state: 'confirmed' },
      });
      expect(await ask(sb, 'chat:welcome', { conversationId: id })).toMatchObject({
        ok: false,
        error: { code: 'WELCOME_EXPIRED' },
      });
    });
  });

  it('lists the chat routes in the OpenAPI reference', async () => {
    const spec = await arena.http().get('/docs-json').expect(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/conversations',
        '/conversations/direct',
        '/conversations/{id}/messages',
        '/conversations/{id}/welcome',
        '/conversations/{id}/welcome/confirm',
      ]),
    );
  });

  it('keeps a socket of a user with no conversations usable', async () => {
    const lonely = await player(arena, 'Lonely');
    const socket = await chatSocket(arena, lonely.token);
    expect(await ask(socket, 'chat:conversations')).toEqual({ ok: true, data: [] });
  });
});
