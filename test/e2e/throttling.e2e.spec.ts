import { fileRedis } from '../support/file-redis';
import { ask, createTestApp, type TestApp } from '../support/test-app';

describe('throttling', () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp({
      THROTTLE_USER_LIMIT: '5',
      THROTTLE_IP_LIMIT: '1000',
      THROTTLE_AUTH_LIMIT: '1000',
      THROTTLE_TTL_MS: '60000',
    });
  });
  afterAll(() => arena.close());

  it('answers REST calls past the per-user limit with 429 RATE_LIMITED and Retry-After', async () => {
    const token = await arena.guest();
    const statuses: number[] = [];
    let limited: { headers: Record<string, string>; body: { code: string } } | undefined;
    for (let i = 0; i < 7; i += 1) {
      const response = await arena.http().get('/me').set('Authorization', `Bearer ${token}`);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(limited?.body.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts each user separately', async () => {
    const first = await arena.guest();
    const second = await arena.guest();
    for (let i = 0; i < 5; i += 1) await arena.http().get('/me').set('Authorization', `Bearer ${first}`).expect(200);
    await arena.http().get('/me').set('Authorization', `Bearer ${first}`).expect(429);
    await arena.http().get('/me').set('Authorization', `Bearer ${second}`).expect(200);
  });

  it('answers socket events past the limit with an error ack, without disconnecting', async () => {
    const socket = await arena.socket(await arena.guest());
    const replies = [];
    for (let i = 0; i < 7; i += 1) replies.push(await ask(socket, 'session:whoami'));
    expect(replies.map((r) => r.ok)).toEqual([true, true, true, true, true, false, false]);
    expect(replies[5].error.code).toBe('RATE_LIMITED');
    expect(socket.connected).toBe(true);
  });
});

describe('throttling: what counts where', () => {
  it('keeps socket events and REST calls on separate counters', async () => {
    const arena = await createTestApp({
      THROTTLE_USER_LIMIT: '3',
      THROTTLE_IP_LIMIT: '1000',
      THROTTLE_AUTH_LIMIT: '1000',
      THROTTLE_TTL_MS: '60000',
    });
    try {
      const token = await arena.guest();
      const socket = await arena.socket(token);
      const replies = [];
      for (let i = 0; i < 4; i += 1) replies.push(await ask(socket, 'session:whoami'));
      expect(replies.map((r) => r.ok)).toEqual([true, true, true, false]);
      for (let i = 0; i < 3; i += 1) await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(429);
    } finally {
      await arena.close();
    }
  });

  it('counts only sign-ins against the sign-in limit', async () => {
    const arena = await createTestApp({
      THROTTLE_USER_LIMIT: '1000',
      THROTTLE_IP_LIMIT: '1000',
      THROTTLE_AUTH_LIMIT: '2',
      THROTTLE_TTL_MS: '60000',
    });
    try {
      const token = await arena.guest();
      for (let i = 0; i < 5; i += 1) await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      await arena.http().post('/auth/guest').send({ displayName: 'Second' }).expect(201);
      await arena.http().post('/auth/guest').send({ displayName: 'Third' }).expect(429);
    } finally {
      await arena.close();
    }
  });

  it('limits an address across users, and never throttles /health or /metrics', async () => {
    const arena = await createTestApp({
      THROTTLE_USER_LIMIT: '1000',
      THROTTLE_IP_LIMIT: '3',
      THROTTLE_AUTH_LIMIT: '1000',
      THROTTLE_TTL_MS: '60000',
    });
    try {
      const token = await arena.guest(); // the address's first call
      await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      const limited = await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      for (let i = 0; i < 5; i += 1) {
        await arena.http().get('/health').expect(200);
        await arena.http().get('/metrics').expect(200);
      }
    } finally {
      await arena.close();
    }
  });
});

describe('throttling sign-ins per address', () => {
  it('limits sign-in attempts from one address', async () => {
    const arena = await createTestApp({ THROTTLE_AUTH_LIMIT: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push(
          (await arena.http().post('/auth/login').send({ username: 'nobody', password: 'guessing' })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await arena.close();
    }
  });
});

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) process.stdout.write('SKIPPED: throttling across processes needs REDIS_URL\n');

withRedis('throttling across processes (Redis)', () => {
  it('shares one user counter between two Arena processes', async () => {
    const env = { ...fileRedis, THROTTLE_USER_LIMIT: '4', THROTTLE_TTL_MS: '60000' };
    const first = await createTestApp(env);
    const second = await createTestApp(env, first.databaseUrl);
    try {
      const token = await first.guest();
      const statuses = [];
      for (let i = 0; i < 6; i += 1) {
        const node = i % 2 === 0 ? first : second;
        statuses.push((await node.http().get('/me').set('Authorization', `Bearer ${token}`)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
