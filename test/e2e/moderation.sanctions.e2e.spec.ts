import { Client } from 'pg';
import { SanctionsPort } from '../../src/common/ports/sanctions.port';
import {
  account,
  bearer,
  disconnected,
  guestAccount,
  pastTime,
  refusedHandshake,
  sql,
  type Account,
} from '../support/moderation';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, nextEvent, type TestApp, UNTHROTTLED } from '../support/test-app';

describe('moderation: sanctions act at once on live sockets, and end by themselves', () => {
  let arena: TestApp;
  let moderator: Account;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED });
    moderator = await account(arena, 'moderator', 'mod');
  });
  afterAll(() => arena.close());

  const sanction = async (body: Record<string, unknown>) =>
    (
      await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ reason: 'test', ...body })
        .expect(201)
    ).body.sanction;
  const login = (who: Account) =>
    arena.http().post('/auth/login').send({ username: who.username, password: 'a long enough password' });

  it('a ban tells every socket of the user, cuts them, then refuses login, REST and the handshake with BANNED and its expiry', async () => {
    const target = await account(arena);
    const bystander = await arena.socket((await guestAccount(arena)).token);
    const sockets = [await arena.socket(target.token), await arena.socket(target.token)];
    const notices = sockets.map((socket) => nextEvent(socket, 'moderation:banned'));
    const cuts = sockets.map(disconnected);

    const ban = await sanction({ userId: target.userId, kind: 'ban', durationSeconds: 3600, reason: 'cheating' });
    for (const notice of await Promise.all(notices))
      expect(notice).toEqual({ expiresAt: ban.expiresAt, reason: 'cheating' });
    expect(await Promise.all(cuts)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(bystander.connected).toBe(true);

    const refusedLogin = await login(target).expect(403);
    expect(refusedLogin.body).toMatchObject({
      code: 'BANNED',
      details: { expiresAt: ban.expiresAt, reason: 'cheating' },
    });
    const refusedRest = await arena.http().get('/me').set(bearer(target.token)).expect(403);
    expect(refusedRest.body).toMatchObject({ code: 'BANNED', details: { expiresAt: ban.expiresAt } });
    const refusedSocket = await refusedHandshake(arena, target.token);
    expect(refusedSocket.data).toMatchObject({ code: 'BANNED', details: { expiresAt: ban.expiresAt } });
  });

  it('a permanent ban says so: BANNED with a null expiry', async () => {
    const target = await account(arena);
    const socket = await arena.socket(target.token);
    const notice = nextEvent(socket, 'moderation:banned');
    await sanction({ userId: target.userId, kind: 'ban', permanent: true, reason: 'for good' });
    expect(await notice).toEqual({ expiresAt: null, reason: 'for good' });
    const refused = await login(target).expect(403);
    expect(refused.body).toMatchObject({ code: 'BANNED', message: 'Banned', details: { expiresAt: null } });
  });

  it('a ban expires by itself: login and the handshake work again after its expiry', async () => {
    const target = await account(arena);
    const ban = await sanction({ userId: target.userId, kind: 'ban', durationSeconds: 1 });
    expect((await login(target).expect(403)).body.code).toBe('BANNED');
    expect((await refusedHandshake(arena, target.token)).data?.code).toBe('BANNED');
    await pastTime(ban.expiresAt);
    await login(target).expect(200);
    const socket = await arena.socket(target.token);
    expect(socket.connected).toBe(true);
  });

  it("nobody lifts their own sanction, and only an admin lifts a moderator's", async () => {
    const admin = await account(arena, 'admin', 'boss');
    const peer = await account(arena, 'moderator', 'peer');
    const muted = (
      await arena
        .http()
        .post('/admin/sanctions')
        .set(bearer(admin.token))
        .send({ reason: 'cool off', userId: peer.userId, kind: 'mute', durationSeconds: 600 })
        .expect(201)
    ).body.sanction;
    const self = await arena
      .http()
      .post(`/admin/sanctions/${muted.id}/revoke`)
      .set(bearer(peer.token))
      .send({ reason: 'mine' })
      .expect(400);
    expect(self.body.code).toBe('SANCTION_INVALID');
    const other = await arena
      .http()
      .post(`/admin/sanctions/${muted.id}/revoke`)
      .set(bearer(moderator.token))
      .send({ reason: 'a colleague' })
      .expect(403);
    expect(other.body.code).toBe('CANNOT_SANCTION_STAFF');
    await arena
      .http()
      .post(`/admin/sanctions/${muted.id}/revoke`)
      .set(bearer(admin.token))
      .send({ reason: 'done' })
      .expect(200);
  });

  it('a revoked ban lifts at once', async () => {
    const target = await account(arena);
    const ban = await sanction({ userId: target.userId, kind: 'ban', durationSeconds: 3600 });
    await login(target).expect(403);
    await arena
      .http()
      .post(`/admin/sanctions/${ban.id}/revoke`)
      .set(bearer(moderator.token))
      .send({ reason: 'wrong person' })
      .expect(200);
    await login(target).expect(200);
  });

  it('a mute is told to the user\u2019s sockets and refuses its messages with MUTED and the expiry, until it ends', async () => {
    const target = await guestAccount(arena);
    const socket = await arena.socket(target.token);
    const notice = nextEvent(socket, 'moderation:muted');
    const port = arena.app.get(SanctionsPort);
    await expect(port.assertNotMuted(target.userId)).resolves.toBeUndefined();

    const mute = await sanction({ userId: target.userId, kind: 'mute', durationSeconds: 1, reason: 'spamming' });
    expect(await notice).toEqual({ expiresAt: mute.expiresAt, reason: 'spamming' });
    // Chat (on its own branch) sends through SanctionsPort.assertNotMuted: this is what it gets.
    await expect(port.assertNotMuted(target.userId)).rejects.toMatchObject({
      code: 'MUTED',
      status: 403,
      details: { expiresAt: mute.expiresAt, reason: 'spamming' },
    });
    expect(socket.connected).toBe(true);
    await pastTime(mute.expiresAt);
    await expect(port.assertNotMuted(target.userId)).resolves.toBeUndefined();
  });

  it('a warning is told to the user and changes nothing else', async () => {
    const target = await guestAccount(arena);
    const socket = await arena.socket(target.token);
    const notice = nextEvent(socket, 'moderation:warned');
    await sanction({ userId: target.userId, kind: 'warn', reason: 'mind your language' });
    expect(await notice).toEqual({ reason: 'mind your language' });
    await arena.http().get('/me').set(bearer(target.token)).expect(200);
    await expect(arena.app.get(SanctionsPort).assertNotMuted(target.userId)).resolves.toBeUndefined();
  });

  it('a kick takes the seat away at once and keeps the user out of that room, and only that room, until it expires', async () => {
    const host = await arena.socket((await guestAccount(arena, 'Kick Host')).token);
    const room = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', name: 'Quiet Room' });
    const other = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast', name: 'Other Room' });
    const target = await guestAccount(arena, 'Loud Guest');
    const socket = await arena.socket(target.token);
    await ok(socket, 'room:join', { actionId: aid(), roomId: room.roomId });
    const roomKicked = nextEvent(socket, 'room:kicked');
    const moderationKicked = nextEvent(socket, 'moderation:kicked');

    const kick = await sanction({
      userId: target.userId,
      kind: 'kick',
      roomId: room.roomId,
      durationSeconds: 2,
      reason: 'shouting',
    });
    expect(await moderationKicked).toEqual({ roomId: room.roomId, expiresAt: kick.expiresAt, reason: 'shouting' });
    expect(await roomKicked).toMatchObject({ roomId: room.roomId });
    const seats = await sql(arena, `SELECT seat FROM room_seats WHERE room_id = $1 AND user_id = $2`, [
      room.roomId,
      target.userId,
    ]);
    expect(seats).toEqual([]);

    for (const [event, payload] of [
      ['room:join', { actionId: aid(), roomId: room.roomId }],
      ['room:watch', { roomId: room.roomId }],
      ['room:rejoin', { roomId: room.roomId }],
    ] as const) {
      const refused = await ask(socket, event, payload);
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'KICKED', details: { expiresAt: kick.expiresAt, reason: 'shouting' } },
      });
    }
    await ok(socket, 'room:join', { actionId: aid(), roomId: other.roomId });

    await pastTime(kick.expiresAt);
    const back = await ok(socket, 'room:join', { actionId: aid(), roomId: room.roomId });
    expect(back.seat).toEqual(expect.any(Number));
  });

  it('a kick defaults to KICK_DEFAULT_MINUTES and needs a real room', async () => {
    const target = await guestAccount(arena);
    const host = await arena.socket((await guestAccount(arena)).token);
    const room = await ok(host, 'room:create', { actionId: aid(), gameId: 'roast' });
    const before = Date.now();
    const kick = await sanction({ userId: target.userId, kind: 'kick', roomId: room.roomId });
    const minutes = (Date.parse(kick.expiresAt) - before) / 60_000;
    expect(minutes).toBeGreaterThan(14.9);
    expect(minutes).toBeLessThan(15.1);
    const missing = await arena
      .http()
      .post('/admin/sanctions')
      .set(bearer(moderator.token))
      .send({ userId: target.userId, kind: 'kick', roomId: '00000000-0000-4000-8000-000000000000', reason: 'x' })
      .expect(404);
    expect(missing.body.code).toBe('SANCTION_TARGET_NOT_FOUND');
  });

  it('the database refuses a sanction that breaks its rules, whatever the code does', async () => {
    const target = await guestAccount(arena);
    for (const statement of [
      `INSERT INTO sanctions (user_id, kind, reason) VALUES ('${target.userId}', 'mute', 'no expiry')`,
      `INSERT INTO sanctions (user_id, kind, reason, expires_at) VALUES ('${target.userId}', 'kick', 'no room', now() + interval '1 minute')`,
      `INSERT INTO sanctions (user_id, kind, reason) VALUES ('${target.userId}', 'jail', 'no such kind')`,
    ]) {
      await expect(sql(arena, statement)).rejects.toThrow(/violates check constraint/);
    }
  });
});

describe('moderation: a sanction recorded by one process is enforced by another within SANCTION_CACHE_MS', () => {
  let first: TestApp;
  let second: TestApp;
  let moderator: Account;
  const env = { ...UNTHROTTLED, SANCTION_CACHE_MS: '200' };

  beforeAll(async () => {
    first = await createTestApp(env);
    second = await createTestApp(env, first.databaseUrl);
    moderator = await account(first, 'moderator', 'mod');
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  const version = async () =>
    Number((await sql<{ version: string }>(first, 'SELECT version FROM sanctions_version'))[0].version);
  /** The version as seen inside a transaction that ran `statement` and is then rolled back. */
  const versionBeforeRollback = async (statement: string) => {
    const client = new Client({ connectionString: first.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(statement);
      return Number((await client.query<{ version: string }>('SELECT version FROM sanctions_version')).rows[0].version);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  };

  it('sanctions_version moves at the commit of a sanction, revocation, cascade or TRUNCATE, and not for a rolled-back one', async () => {
    const target = await guestAccount(first);
    const start = await version();
    const mute = (
      await first
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'mute', durationSeconds: 60, reason: 'spam' })
        .expect(201)
    ).body.sanction;
    expect(await version()).toBeGreaterThan(start);

    const afterMute = await version();
    await first
      .http()
      .post(`/admin/sanctions/${mute.id}/revoke`)
      .set(bearer(moderator.token))
      .send({ reason: 'wrong person' })
      .expect(200);
    expect(await version()).toBeGreaterThan(afterMute);

    const afterRevoke = await version();
    // Moved at commit, not before: inside the transaction the number is still the old one.
    expect(
      await versionBeforeRollback(
        `INSERT INTO sanctions (user_id, kind, reason) VALUES ('${target.userId}', 'warn', 'never kept')`,
      ),
    ).toBe(afterRevoke);
    expect(await version()).toBe(afterRevoke);
    expect(await versionBeforeRollback('TRUNCATE sanctions CASCADE')).toBeGreaterThan(afterRevoke);

    // Once per transaction, however many rows: a bulk change costs one update of the number.
    await sql(
      first,
      `INSERT INTO sanctions (user_id, kind, reason) SELECT $1, 'warn', 'bulk ' || n FROM generate_series(1, 3) n`,
      [target.userId],
    );
    expect(await version()).toBe(afterRevoke + 1);
    await sql(first, 'DELETE FROM users WHERE id = $1', [target.userId]); // its four sanctions go by cascade
    expect(await version()).toBe(afterRevoke + 2);
  });

  it('a mute recorded on one process refuses chat sent through the other, which had the user cached as free', async () => {
    const target = await guestAccount(first);
    const socket = await second.socket(target.token);
    const created = await ask(socket, 'chat:create-group', { title: 'Across', memberIds: [], actionId: aid('g') });
    const conversationId = created.data.id as string;
    await ok(socket, 'chat:send', { conversationId, clientMsgId: aid('m'), body: 'before the mute' }); // cached on the second process now

    const mute = (
      await first
        .http()
        .post('/admin/sanctions')
        .set(bearer(moderator.token))
        .send({ userId: target.userId, kind: 'mute', durationSeconds: 60, reason: 'spam' })
        .expect(201)
    ).body.sanction;
    const recorded = Date.now();
    let reply: { ok: boolean; error?: { code: string; details?: unknown } };
    do {
      reply = await ask(socket, 'chat:send', { conversationId, clientMsgId: aid('m'), body: 'after the mute' });
    } while (reply.ok && Date.now() - recorded < 5000);
    expect(reply).toMatchObject({ ok: false, error: { code: 'MUTED', details: { expiresAt: mute.expiresAt } } });
    // Within a few intervals of 200 ms (the unit tests show the entry itself would never expire).
    expect(Date.now() - recorded).toBeLessThan(2000);
  });
});
