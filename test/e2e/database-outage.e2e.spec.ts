import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { bearer } from '../support/moderation';
import { aid, ok } from '../support/rooms';
import { tcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { testDatabaseUrl } from '../support/per-file-database';
import { ask, createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

/**
 * Issue 13 (2): PostgreSQL ending every backend (a crash of one, `pg_ctl stop -m immediate`, an admin's
 * pg_terminate_backend) while chat and room commits are in flight must cost requests a retryable error,
 * never the process; once the database is back, the server serves as before.
 */
describe('PostgreSQL dropping connections under load', () => {
  let arena: TestApp;
  let admin: Client;
  let proxy: TcpProxy;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    const databaseUrl = await testDatabaseUrl();
    proxy = await tcpProxy(databaseUrl);
    arena = await createTestApp({ ...UNTHROTTLED, DATABASE_POOL_SIZE: '5' }, proxy.url(databaseUrl));
    admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await admin.end();
    await arena.close();
    await proxy.close();
  });

  const guest = async (name: string) => {
    const response = await arena.http().post('/auth/guest').send({ displayName: name }).expect(201);
    return { token: response.body.token as string, userId: response.body.user.id as string };
  };
  /** Every other backend of this test's database, ended as a crash or an immediate stop would end them. */
  const terminateAll = () =>
    admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );

  it('chat and room commits in flight get successes or retryable errors, the process lives, and it serves afterwards', async () => {
    const owner = await guest('Owner');
    const talkers = await Promise.all(Array.from({ length: 6 }, (_, i) => guest(`Talker ${i}`)));
    const group = await arena
      .http()
      .post('/conversations')
      .set(bearer(owner.token))
      .send({ title: 'Storm', memberIds: talkers.map((t) => t.userId) })
      .expect(201);
    const conversationId = group.body.id as string;
    const hostSocket = await arena.socket(owner.token);
    const room = await ok(hostSocket, 'room:create', { actionId: aid('create'), gameId: 'mafia', seatCount: 8 });
    const sockets: Socket[] = await Promise.all(talkers.map((t) => arena.socket(t.token)));

    const acks: Array<{ ok: boolean; error?: { code: string; details?: { retryable?: boolean } } }> = [];
    let storming = true;
    const chatter = sockets.map(async (socket, i) => {
      for (let n = 0; storming; n += 1)
        acks.push(
          await ask(socket, 'chat:send', { conversationId, clientMsgId: `storm-${i}-${n}`, body: `message ${n}` }),
        );
    });
    const seating = sockets.map(async (socket) => {
      for (let n = 0; storming; n += 1)
        acks.push(
          await ask(socket, n % 2 === 0 ? 'room:join' : 'room:leave', { actionId: aid('seat'), roomId: room.roomId }),
        );
    });
    // Each round, PostgreSQL ends every backend, or the connections die without a word (a crash).
    for (let round = 0; round < 16; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      if (round % 2 === 0) await terminateAll();
      else proxy.dropAll();
    }
    storming = false;
    await Promise.all([...chatter, ...seating]);

    const byCode = acks.reduce<Record<string, number>>(
      (counts, ack) => ({
        ...counts,
        [ack.ok ? 'ok' : (ack.error?.code ?? '?')]: (counts[ack.ok ? 'ok' : (ack.error?.code ?? '?')] ?? 0) + 1,
      }),
      {},
    );
    console.log(`acks while PostgreSQL dropped every connection 16 times: ${JSON.stringify(byCode)}`);
    expect(uncaught).toEqual([]);
    expect(acks.filter((ack) => ack.ok).length).toBeGreaterThan(0);
    const failures = acks.filter((ack) => !ack.ok);
    expect(failures.length).toBeGreaterThan(0);
    // Every failure says what it is; none is a bug's 500, and the room never looks gone.
    expect(
      failures.filter(
        (ack) => !ack.error?.code || ack.error.code === 'INTERNAL_ERROR' || ack.error.code === 'ROOM_NOT_FOUND',
      ),
    ).toEqual([]);
    const unavailable = failures.filter((ack) => ack.error?.code === 'SERVICE_UNAVAILABLE');
    expect(unavailable.every((ack) => ack.error?.details?.retryable === true)).toBe(true);

    // The database is back: the same server answers everyone.
    await arena.http().get('/me').set(bearer(owner.token)).expect(200);
    await arena.http().get('/health').expect(200);
    const sent = await ask(sockets[0], 'chat:send', { conversationId, clientMsgId: 'after-storm', body: 'still here' });
    expect(sent.ok).toBe(true);
    const seated = await ask(hostSocket, 'room:watch', { roomId: room.roomId });
    expect(seated.ok).toBe(true);
  });

  it('a request whose connection is refused ("too many connections") gets 503 SERVICE_UNAVAILABLE, retryable, not 500', async () => {
    // A role of its own, so its connection limit binds (a superuser's would not): the app's only one.
    const role = `arena_limited_${process.pid}`;
    // With a password: the embedded server (npm test on a fresh machine) authenticates every role by one.
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited-role'`);
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    const url = new URL(await testDatabaseUrl());
    url.username = role;
    url.password = 'limited-role';
    const limited = await createTestApp({ ...UNTHROTTLED, DATABASE_POOL_SIZE: '2' }, url.toString());
    try {
      const user = (await limited.http().post('/auth/guest').send({ displayName: 'Refused' }).expect(201)).body
        .token as string;
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT 0`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      const refused = await limited.http().get('/me').set(bearer(user));
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryable: true } });
      await admin.query(`ALTER ROLE ${role} CONNECTION LIMIT -1`);
      await limited.http().get('/me').set(bearer(user)).expect(200);
    } finally {
      await limited.close();
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      await admin.query(`DROP OWNED BY ${role}`);
      await admin.query(`DROP ROLE ${role}`);
    }
  });
});
