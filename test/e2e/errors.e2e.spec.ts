import { ask, askRaw, createTestApp, type TestApp } from '../support/test-app';

describe('bad input gets a coded error, never a crash', () => {
  let arena: TestApp;
  let token: string;

  beforeAll(async () => {
    arena = await createTestApp({ WS_MAX_PAYLOAD_BYTES: '4096' });
    token = await arena.guest('Tester');
  });
  afterAll(() => arena.close());

  describe('REST', () => {
    it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
      const response = await arena.http().get('/no/such/route').expect(404);
      expect(response.body).toEqual({ code: 'ROUTE_NOT_FOUND', message: 'No route GET /no/such/route' });
    });

    it('answers malformed JSON with 400 INVALID_JSON', async () => {
      const response = await arena
        .http()
        .post('/auth/guest')
        .set('Content-Type', 'application/json')
        .send('{"displayName": "Ada"')
        .expect(400);
      expect(response.body.code).toBe('INVALID_JSON');
    });

    it('answers a body over 1 MB with 413 PAYLOAD_TOO_LARGE', async () => {
      const body = JSON.stringify({ displayName: 'x'.repeat(1_100_000) });
      const response = await arena
        .http()
        .post('/auth/guest')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(413);
      expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers a non-JSON body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const response = await arena
        .http()
        .post('/auth/guest')
        .set('Content-Type', 'text/plain')
        .send('displayName=Ada')
        .expect(415);
      expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const form = await arena.http().post('/auth/guest').type('form').send({ displayName: 'Ada' }).expect(415);
      expect(form.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers wrong types and unknown fields with 400 VALIDATION_FAILED naming the field', async () => {
      const wrongType = await arena.http().post('/auth/guest').send({ displayName: 42 }).expect(400);
      expect(wrongType.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'displayName' }] });
      const extra = await arena.http().post('/auth/guest').send({ displayName: 'Ada', role: 'admin' }).expect(400);
      expect(extra.body.details).toEqual([{ field: 'role', errors: ['property role should not exist'] }]);
      const array = await arena
        .http()
        .post('/auth/guest')
        .send([{ displayName: 'Ada' }])
        .expect(400);
      expect(array.body.code).toBe('VALIDATION_FAILED');
    });

    it('answers a malformed path parameter with 400', async () => {
      const response = await arena
        .http()
        .delete('/agents/not-a-uuid')
        .set('Authorization', `Bearer ${token}`)
        .expect(400);
      expect(response.body.code).toBe('BAD_REQUEST');
    });

    it('echoes x-request-id and sets security headers', async () => {
      const response = await arena.http().get('/health/live').set('x-request-id', 'trace-123').expect(200);
      expect(response.headers['x-request-id']).toBe('trace-123');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-powered-by']).toBeUndefined();
      const generated = await arena.http().get('/health/live').expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('allows only configured CORS origins', async () => {
      const allowed = await arena
        .http()
        .options('/me')
        .set('Origin', 'http://localhost:3000')
        .set('Access-Control-Request-Method', 'GET');
      expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      const refused = await arena
        .http()
        .options('/me')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('Socket.IO', () => {
    it('refuses a handshake without a token, or with a bad one, with UNAUTHENTICATED', async () => {
      for (const auth of [undefined, { token: 'st_made-up-token-that-is-long-enough-for-the-format' }, { token: 42 }]) {
        const socket = arena.rawSocket(auth);
        const error = await new Promise<Error & { data?: { code: string } }>((resolve) => {
          socket.once('connect_error', resolve);
          socket.connect();
        });
        expect(error.data?.code).toBe('UNAUTHENTICATED');
        expect(socket.connected).toBe(false);
      }
    });

    it('refuses a handshake whose auth.features is not a list of at most 32 names with VALIDATION_FAILED, after the token is checked', async () => {
      for (const features of [
        'chat:messages',
        [1],
        { 'chat:messages': true },
        Array.from({ length: 33 }, (_, i) => `feature-${i}`),
      ]) {
        const socket = arena.rawSocket({ token, features });
        const error = await new Promise<Error & { data?: { code: string } }>((resolve) => {
          socket.once('connect_error', resolve);
          socket.connect();
        });
        expect(error.data?.code).toBe('VALIDATION_FAILED');
      }
      const badToken = arena.rawSocket({
        token: 'st_made-up-token-that-is-long-enough-for-the-format',
        features: 'chat:messages',
      });
      const refused = await new Promise<Error & { data?: { code: string } }>((resolve) => {
        badToken.once('connect_error', resolve);
        badToken.connect();
      });
      expect(refused.data?.code).toBe('UNAUTHENTICATED');
      const withoutList = arena.rawSocket({ token, features: null });
      await new Promise<void>((resolve, reject) => {
        withoutList.once('connect', resolve);
        withoutList.once('connect_error', reject);
        withoutList.connect();
      });
    });

    it('answers an unknown event with UNKNOWN_EVENT and stays connected', async () => {
      const socket = await arena.socket(token);
      const reply = await askRaw(socket, 'no:such:event', { x: 1 });
      expect(reply).toEqual({ ok: false, error: { code: 'UNKNOWN_EVENT', message: 'Unknown event "no:such:event"' } });
      expect(socket.connected).toBe(true);
      expect((await ask(socket, 'session:whoami')).ok).toBe(true);
    });

    it('tells a client that sent an unknown event without an ack through arena:error', async () => {
      const socket = await arena.socket(token);
      const notice = new Promise((resolve) => socket.once('arena:error', resolve));
      socket.emit('no:such:event', { x: 1 });
      expect(await notice).toMatchObject({ event: 'no:such:event', ok: false, error: { code: 'UNKNOWN_EVENT' } });
    });

    it('refuses an oversize payload with PAYLOAD_TOO_LARGE and stays connected', async () => {
      const socket = await arena.socket(token);
      const reply = await ask(socket, 'profile:rename', { actionId: 'big', displayName: 'x'.repeat(10_000) });
      expect(reply.ok).toBe(false);
      expect(reply.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(socket.connected).toBe(true);
    });

    it('validates payloads with the same DTO rules as REST', async () => {
      const socket = await arena.socket(token);
      const cases: unknown[] = [
        undefined,
        null,
        'text',
        42,
        [],
        { actionId: 'a1' },
        { actionId: 'a1', displayName: 7 },
        { actionId: 'a1', displayName: 'Ok', extra: true },
      ];
      for (const payload of cases) {
        const reply = await ask(socket, 'profile:rename', payload);
        expect(reply.ok).toBe(false);
        expect(reply.error.code).toBe('VALIDATION_FAILED');
      }
      expect(socket.connected).toBe(true);
    });

    it('acts only as its own identity: no payload field can name another player', async () => {
      const other = await arena.guest('Someone Else');
      const otherMe = await arena.http().get('/me').set('Authorization', `Bearer ${other}`).expect(200);
      const socket = await arena.socket(token);
      const reply = await ask(socket, 'profile:rename', {
        actionId: 'spoof',
        displayName: 'Hijacked',
        userId: otherMe.body.id,
      });
      expect(reply.error.code).toBe('VALIDATION_FAILED');
      const unchanged = await arena.http().get('/me').set('Authorization', `Bearer ${other}`).expect(200);
      expect(unchanged.body.displayName).toBe('Someone Else');
    });

    it('closes the sockets of a session that logs out', async () => {
      const session = await arena.guest('Leaver');
      const socket = await arena.socket(session);
      const revoked = new Promise((resolve) => socket.once('session:revoked', resolve));
      const closed = new Promise((resolve) => socket.once('disconnect', resolve));
      await arena.http().post('/auth/logout').set('Authorization', `Bearer ${session}`).expect(204);
      expect(await revoked).toEqual({ reason: 'logout' });
      await closed;
      expect(socket.connected).toBe(false);
    });

    it('survives garbage: many malformed packets in a row leave the server healthy', async () => {
      const socket = await arena.socket(token);
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          askRaw(socket, i % 2 ? 'profile:rename' : `junk:${i}`, i % 3 ? { deep: { deeper: [i] } } : 'x'),
        ),
      );
      expect(replies.every((reply) => reply.ok === false)).toBe(true);
      // Still serving: the same socket's next valid event works, and the database behind it is up. (The
      // event-loop indicator is a timing signal for operators, not something a functional test can pin.)
      const valid = await ask(socket, 'profile:rename', { actionId: 'after-garbage', displayName: 'Still Here' });
      expect(valid).toMatchObject({ ok: true });
      expect(socket.connected).toBe(true);
      const health = await arena.http().get('/health');
      expect(health.body.details?.database).toMatchObject({ status: 'up' });
    });
  });
});
