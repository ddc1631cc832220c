import type { Socket } from 'socket.io-client';
import { RoomRuntime } from '../../src/games/room-runtime.service';
import { chatSocket, group, player, players, type Player } from '../support/chat';
import { account, bearer } from '../support/moderation';
import { aid, ok } from '../support/rooms';
import { ask, askRaw, createTestApp, UNTHROTTLED, type TestApp } from '../support/test-app';

/** `levels` arrays around a value: `[[[...value...]]]`. */
const nested = (levels: number, value: unknown = 'x'): unknown => {
  let field = value;
  for (let i = 0; i < levels; i += 1) field = [field];
  return field;
};

/** The same as JSON text, for bodies too deep for JSON.stringify to be the test's concern. */
const nestedJson = (levels: number) => `${'['.repeat(levels)}"x"${']'.repeat(levels)}`;

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';

/** Issue 13: bad input answered as a server bug (INTERNAL_ERROR / 500) or as a retryable error. */
describe('bad input is refused with a coded error, never INTERNAL_ERROR', () => {
  let arena: TestApp;
  let alice: Player;
  let bob: Player;
  let conversationId: string;
  let aliceSocket: Socket;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED, REPORT_THROTTLE_LIMIT: '3' });
    [alice, bob] = await players(arena, 2, 'Bad input');
    conversationId = await group(arena, alice, [bob]);
    aliceSocket = await chatSocket(arena, alice.token);
  });
  afterAll(() => arena.close());

  const expectRefused = (reply: { ok: boolean; error?: { code: string } }, code = 'VALIDATION_FAILED') => {
    expect(reply).toMatchObject({ ok: false, error: { code } });
  };

  describe('deeply nested fields', () => {
    it('answers an unauthenticated REST body nested 2,000 levels deep with 400 VALIDATION_FAILED', async () => {
      const response = await arena
        .http()
        .post('/auth/guest')
        .set('Content-Type', 'application/json')
        .send(`{"displayName":${nestedJson(2000)}}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'displayName' }] });
    });

    it('answers a REST body nested 200,000 levels deep (under 1 MB) with 400 VALIDATION_FAILED', async () => {
      const response = await arena
        .http()
        .post('/reports')
        .set(alice.auth)
        .set('Content-Type', 'application/json')
        .send(`{"note":${nestedJson(200_000)}}`);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('answers deeply nested socket payloads with VALIDATION_FAILED and keeps the socket', async () => {
      expectRefused(await ask(aliceSocket, 'profile:rename', { actionId: aid(), displayName: nested(2000) }));
      expectRefused(await ask(aliceSocket, 'chat:sync', { cursors: nested(2000) }));
      expectRefused(
        await ask(aliceSocket, 'room:create', { actionId: aid(), gameId: 'bench', options: { label: nested(2000) } }),
      );
      expectRefused(await ask(aliceSocket, 'chat:history', nested(2000, { conversationId })));
      expect(await ask(aliceSocket, 'session:whoami')).toMatchObject({ ok: true });
    });

    it('still accepts nesting a real payload needs', async () => {
      const room = await ok(aliceSocket, 'room:create', {
        actionId: aid(),
        gameId: 'bench',
        options: { label: 'shallow' },
      });
      expect(room.roomId).toEqual(expect.any(String));
    });
  });

  describe('chat:sync cursors that are not objects', () => {
    it('answers cursors [[]] and a valid cursor followed by [] with VALIDATION_FAILED', async () => {
      expectRefused(await ask(aliceSocket, 'chat:sync', { cursors: [[]] }));
      expectRefused(await ask(aliceSocket, 'chat:sync', { cursors: [{ conversationId, afterSeq: 0 }, []] }));
      expectRefused(await ask(aliceSocket, 'chat:sync', { cursors: [{ conversationId, afterSeq: 0 }, null] }));
      expectRefused(await ask(aliceSocket, 'chat:sync', { cursors: ['x', 1] }));
      expect(await ask(aliceSocket, 'chat:sync', { cursors: [{ conversationId, afterSeq: 0 }] })).toMatchObject({
        ok: true,
      });
    });
  });

  describe('sequence numbers beyond what a bigint column holds', () => {
    it('answers socket seqs of 1e308 and 2^53 with VALIDATION_FAILED', async () => {
      for (const huge of [1e308, 2 ** 53]) {
        expectRefused(await ask(aliceSocket, 'chat:history', { conversationId, after: huge }));
        expectRefused(await ask(aliceSocket, 'chat:history', { conversationId, before: huge }));
        expectRefused(await ask(aliceSocket, 'chat:read', { conversationId, seq: huge }));
        expectRefused(await ask(aliceSocket, 'chat:sync', { cursors: [{ conversationId, afterSeq: huge }] }));
        expectRefused(
          await ask(aliceSocket, 'room:rejoin', { roomId: '00000000-0000-4000-8000-000000000000', lastSeq: huge }),
        );
      }
      expect(await ask(aliceSocket, 'chat:history', { conversationId, after: Number.MAX_SAFE_INTEGER })).toMatchObject({
        ok: true,
      });
    });

    it('answers REST seqs beyond bigint with 400 VALIDATION_FAILED', async () => {
      const room = await ok(aliceSocket, 'room:create', { actionId: aid(), gameId: 'bench' });
      const urls = [
        `/conversations/${conversationId}/messages?after=99999999999999999999`,
        `/conversations/${conversationId}/messages?before=99999999999999999999`,
        `/rooms/${room.roomId}/events?after=99999999999999999999`,
        `/rooms/${room.roomId}/events?after=1e308`,
      ];
      for (const url of urls) {
        const response = await arena.http().get(url).set(alice.auth);
        expect({ url, status: response.status, code: response.body.code }).toEqual({
          url,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      const admin = await account(arena, 'admin');
      const audit = await arena.http().get('/admin/audit?beforeId=99999999999999999999').set(bearer(admin.token));
      expect([audit.status, audit.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const read = await arena.http().put(`/conversations/${conversationId}/read`).set(alice.auth).send({ seq: 1e308 });
      expect([read.status, read.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });
  });

  describe('text PostgreSQL cannot store (NUL, lone surrogates)', () => {
    it('refuses it in room and seat names, group titles, chat bodies and display names with VALIDATION_FAILED', async () => {
      for (const bad of [NUL, LONE_SURROGATE]) {
        expectRefused(await ask(aliceSocket, 'room:create', { actionId: aid(), gameId: 'bench', name: bad }));
        expectRefused(await ask(aliceSocket, 'room:create', { actionId: aid(), gameId: 'bench', seatName: bad }));
        expectRefused(await ask(aliceSocket, 'chat:create-group', { actionId: aid(), title: bad, memberIds: [] }));
        expectRefused(await ask(aliceSocket, 'chat:send', { conversationId, clientMsgId: aid(), body: bad }));
        expectRefused(await ask(aliceSocket, 'profile:rename', { actionId: aid(), displayName: bad }));
        const title = await arena.http().post('/conversations').set(alice.auth).send({ title: bad, memberIds: [] });
        expect([title.status, title.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        const guest = await arena.http().post('/auth/guest').send({ displayName: bad });
        expect([guest.status, guest.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        const note = await arena
          .http()
          .post('/reports')
          .set(bob.auth)
          .send({ targetKind: 'user', targetId: alice.userId, reason: 'spam', note: bad });
        expect([note.status, note.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
    });

    it('refuses it in a key, a query parameter or the path too', async () => {
      expectRefused(await ask(aliceSocket, 'room:create', { actionId: aid(), gameId: 'bench', options: { [NUL]: 1 } }));
      const room = await ok(aliceSocket, 'room:create', { actionId: aid(), gameId: 'bench' });
      const query = await arena.http().get(`/rooms/${room.roomId}?inviteCode=a%00b`).set(alice.auth);
      expect([query.status, query.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const admin = await account(arena, 'admin');
      const path = await arena.http().get('/admin/rule-sets/v%001').set(bearer(admin.token));
      expect([path.status, path.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    });

    it('refuses a game action carrying it alone: the other players acting at the same moment are served', async () => {
      const host = await player(arena, `Host ${aid()}`);
      const guests = await players(arena, 3, `Seat ${aid()}`);
      const sockets = await Promise.all([host, ...guests].map((p) => arena.socket(p.token)));
      const room = await ok(sockets[0], 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 4 });
      for (const socket of sockets.slice(1)) await ok(socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      await ok(sockets[0], 'room:start', { actionId: aid(), roomId: room.roomId });
      for (let round = 0; round < 3; round += 1) {
        const replies = await Promise.all([
          ask(sockets[0], 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump', note: NUL } }),
          ...sockets
            .slice(1)
            .map((socket) =>
              ask(socket, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } }),
            ),
        ]);
        expectRefused(replies[0]);
        expect(replies.slice(1).map((reply) => reply.ok)).toEqual([true, true, true]);
      }
      // The runtime refuses it too, whatever path a command comes by: submitted in one tick, all four share a group commit.
      const runtime = arena.app.get(RoomRuntime);
      const act = (who: Player, action: Record<string, unknown>) =>
        runtime.submit(
          room.roomId,
          { type: 'game.act', action: action as { type: string } },
          { kind: 'user', userId: who.userId },
          aid('direct'),
        );
      const outcomes = await Promise.allSettled([
        act(host, { type: 'bump', note: NUL }),
        ...guests.map((guest) => act(guest, { type: 'bump' })),
      ]);
      expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: 'VALIDATION_FAILED' } });
      expect(outcomes.slice(1).map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    });
  });

  describe('socket frames', () => {
    /** Sends a raw Socket.IO packet text and resolves with the text of the packet answering ack `id`. */
    const rawAsk = (socket: Socket, packet: string, id: number) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${packet}`)), 5000);
        const onMessage = (data: unknown) => {
          if (typeof data !== 'string' || !data.startsWith(`3${id}`)) return;
          clearTimeout(timer);
          socket.io.engine.off('message', onMessage);
          resolve(data.slice(`3${id}`.length));
        };
        socket.io.engine.on('message', onMessage);
        socket.io.engine.send(packet);
      });

    it('answers a payload from WS_MAX_PAYLOAD_BYTES up to 2 MiB with PAYLOAD_TOO_LARGE and keeps the socket', async () => {
      const socket = await arena.socket(alice.token);
      for (const size of [100_000, 1_100_000, 2_000_000]) {
        const reply = await ask(socket, 'profile:rename', { actionId: aid(), displayName: 'x'.repeat(size) });
        expect(reply).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
      }
      expect(socket.connected).toBe(true);
      expect(await ask(socket, 'session:whoami')).toMatchObject({ ok: true });
    });

    it('closes the connection on a frame past 2 MiB, without an answer', async () => {
      const socket = await arena.socket(alice.token);
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      socket.emit('profile:rename', { actionId: aid(), displayName: 'x'.repeat(2 * 1024 * 1024 + 1) }, () => undefined);
      expect(await closed).toBe('transport close');
    });

    it('answers raw packets naming reserved events with UNKNOWN_EVENT and keeps the socket', async () => {
      const socket = await arena.socket(alice.token);
      const names = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];
      for (const [i, name] of names.entries()) {
        const answer = JSON.parse(await rawAsk(socket, `2${900 + i}${JSON.stringify([name, { x: 1 }])}`, 900 + i));
        expect(answer).toEqual([
          {
            ok: false,
            error: {
              code: 'UNKNOWN_EVENT',
              message: `Unknown event ${JSON.stringify(name)}: the name is reserved by Socket.IO`,
            },
          },
        ]);
      }
      const notice = new Promise((resolve) => socket.once('arena:error', resolve));
      socket.io.engine.send('2["disconnect"]');
      expect(await notice).toMatchObject({ event: 'disconnect', ok: false, error: { code: 'UNKNOWN_EVENT' } });
      expectRefused(await askRaw(socket, 'error', { x: 1 }), 'UNKNOWN_EVENT');
      expect(socket.connected).toBe(true);
      expect(await ask(socket, 'session:whoami')).toMatchObject({ ok: true });
    });
  });

  describe('Idempotency-Key replays and throttles', () => {
    it('serves 12 replays of one report without counting them against the report limit', async () => {
      const reporter = await player(arena, `Reporter ${aid()}`);
      const body = { targetKind: 'user', targetId: alice.userId, reason: 'spam' };
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const response = await arena
          .http()
          .post('/reports')
          .set(reporter.auth)
          .set('Idempotency-Key', 'one-report')
          .send(body);
        statuses.push(response.status);
      }
      expect(statuses).toEqual(Array(12).fill(201));
      // New reports are still throttled: the limit is 3 and one was used.
      const fresh: number[] = [];
      for (const target of [bob, alice, bob]) {
        const response = await arena
          .http()
          .post('/reports')
          .set(reporter.auth)
          .set('Idempotency-Key', aid())
          .send({ ...body, targetId: target.userId, reason: 'other' });
        fresh.push(response.status);
      }
      expect(fresh).toEqual([201, 201, 429]);
    });

    it('serves replays of one sign-in without counting them against the sign-in limit', async () => {
      const strict = await createTestApp({ ...UNTHROTTLED, THROTTLE_AUTH_LIMIT: '2' });
      try {
        const signIn = (key: string) =>
          strict.http().post('/auth/guest').set('Idempotency-Key', key).send({ displayName: 'Replayed' });
        const replies = [];
        for (let i = 0; i < 6; i += 1) replies.push(await signIn('one-sign-in'));
        expect(replies.map((reply) => reply.status)).toEqual(Array(6).fill(201));
        expect(new Set(replies.map((reply) => reply.body.token)).size).toBe(1);
        expect([(await signIn('second')).status, (await signIn('third')).status]).toEqual([201, 429]);
      } finally {
        await strict.close();
      }
    });
  });
});
