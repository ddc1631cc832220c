import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LifecycleService } from '../../src/common/lifecycle/lifecycle.service';
import { ask, createTestApp, nextEvent, type TestApp } from '../support/test-app';

describe('health', () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp();
  });
  afterAll(() => arena.close());

  it('reports 200 with database, memory and event-loop indicators up', async () => {
    const response = await arena.http().get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(Object.keys(response.body.info).sort()).toEqual(['database', 'event_loop', 'memory_heap']);
  });

  it('answers liveness without touching dependencies', async () => {
    await arena.http().get('/health/live').expect(200, { status: 'ok' });
  });

  it('reports 503 naming the database when it cannot be reached, and recovers', async () => {
    const admin = new Client({ connectionString: arena.databaseUrl.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    const name = new URL(arena.databaseUrl).pathname.slice(1);
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [name],
      );
      const down = await arena.http().get('/health').expect(503);
      expect(down.body.code).toBe('UNHEALTHY');
      expect(down.body.message).toBe('Unhealthy: database');
      expect(down.body.details.error.database.status).toBe('down');
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await arena.http().get('/health').expect(200);
  });
});

describe('health with Redis configured but unreachable', () => {
  it('reports 503 naming redis, while the rest of the API keeps serving', async () => {
    const arena = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const response = await arena.http().get('/health').expect(503);
      expect(response.body.message).toBe('Unhealthy: redis');
      expect(response.body.details.info.database.status).toBe('up');
      await arena.http().post('/auth/guest').send({ displayName: 'Still Works' }).expect(201);
    } finally {
      await arena.close();
    }
  });
});

describe('metrics', () => {
  it('exposes process metrics, the HTTP duration histogram and connected sockets in Prometheus format', async () => {
    const arena = await createTestApp();
    try {
      const token = await arena.guest();
      await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      await arena.socket(token);
      await arena.socket(token);
      const response = await arena.http().get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.text).toMatch(/^arena_process_cpu_user_seconds_total \d/m);
      expect(response.text).toMatch(
        /^arena_http_request_duration_seconds_count\{method="GET",route="\/me",status_code="200"\} 1$/m,
      );
      expect(response.text).toMatch(/^arena_connected_sockets 2$/m);
    } finally {
      await arena.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, waits for in-flight work, then tells and closes sockets, and closes the database last', async () => {
    const arena = await createTestApp({ SHUTDOWN_GRACE_MS: '10000' });
    const socket = await arena.socket(await arena.guest());
    const dataSource = arena.app.get(DataSource);
    const finishInFlight = arena.app.get(LifecycleService).begin();

    let noticed = false;
    const notice = nextEvent(socket, 'server:shutdown').then((payload) => ((noticed = true), payload));
    const disconnected = nextEvent(socket, 'disconnect');
    let closed = false;
    const closing = arena.app.close().then(() => (closed = true));

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await ask(socket, 'session:whoami')).toMatchObject({ ok: false, error: { code: 'SHUTTING_DOWN' } });
    expect(noticed).toBe(false); // told only once what was in flight has been answered
    expect(closed).toBe(false);
    expect(dataSource.isInitialized).toBe(true);
    const refused = arena.rawSocket({ token: 'irrelevant' });
    const handshake = await new Promise<{ message: string }>((resolve) => {
      refused.once('connect_error', resolve);
      refused.connect();
    });
    expect(handshake.message).toMatch(/xhr poll error|websocket error|SHUTTING_DOWN|restarting/i);

    finishInFlight();
    expect(await notice).toMatchObject({ reconnectAfterMs: expect.any(Number) });
    await closing;
    await disconnected;
    expect(dataSource.isInitialized).toBe(false);
    refused.disconnect();
  });
});

describe('socket sanity', () => {
  it('answers session:whoami with the caller', async () => {
    const arena = await createTestApp();
    try {
      const token = await arena.guest('Who Am I');
      const reply = await ask(await arena.socket(token), 'session:whoami');
      expect(reply).toMatchObject({ ok: true, data: { displayName: 'Who Am I', kind: 'guest' } });
    } finally {
      await arena.close();
    }
  });
});
