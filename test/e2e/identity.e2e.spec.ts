import { createTestApp, type TestApp } from '../support/test-app';

describe('identity over REST', () => {
  let arena: TestApp;

  beforeAll(async () => {
    arena = await createTestApp();
  });
  afterAll(() => arena.close());

  it('signs in a guest with a trimmed display name and resolves it on GET /me', async () => {
    const signIn = await arena.http().post('/auth/guest').send({ displayName: '  Ada   Lovelace ' }).expect(201);
    expect(signIn.body.token).toMatch(/^st_[\w-]{43}$/);
    expect(signIn.body.user).toMatchObject({ kind: 'guest', displayName: 'Ada Lovelace', role: 'player' });

    const me = await arena.http().get('/me').set('Authorization', `Bearer ${signIn.body.token}`).expect(200);
    expect(me.body.id).toBe(signIn.body.user.id);
  });

  it.each([
    ['empty', ''],
    ['one letter', 'A'],
    ['too long', 'x'.repeat(33)],
    ['markup', '<script>'],
    ['only spaces', '    '],
  ])('refuses a %s display name with VALIDATION_FAILED', async (_label, displayName) => {
    const response = await arena.http().post('/auth/guest').send({ displayName }).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('registers, logs in case-insensitively, and refuses a taken username', async () => {
    const registered = await arena
      .http()
      .post('/auth/register')
      .send({ username: 'Grace_H', password: 'correct horse battery', displayName: 'Grace' })
      .expect(201);
    expect(registered.body.user).toMatchObject({ kind: 'registered', username: 'grace_h' });

    const login = await arena
      .http()
      .post('/auth/login')
      .send({ username: 'GRACE_h', password: 'correct horse battery' })
      .expect(200);
    expect(login.body.user.id).toBe(registered.body.user.id);
    expect(login.body.token).not.toBe(registered.body.token);

    const again = await arena
      .http()
      .post('/auth/register')
      .send({ username: 'grace_h', password: 'another password', displayName: 'G' + 'x' })
      .expect(409);
    expect(again.body.code).toBe('USERNAME_TAKEN');
  });

  it('answers a wrong password and an unknown user alike', async () => {
    await arena
      .http()
      .post('/auth/register')
      .send({ username: 'alan', password: 'enigma machine', displayName: 'Alan' })
      .expect(201);
    const wrong = await arena
      .http()
      .post('/auth/login')
      .send({ username: 'alan', password: 'wrong password' })
      .expect(401);
    const unknown = await arena
      .http()
      .post('/auth/login')
      .send({ username: 'nobody', password: 'wrong password' })
      .expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('stores passwords hashed with argon2 and session tokens only as hashes', async () => {
    const signIn = await arena
      .http()
      .post('/auth/register')
      .send({ username: 'hopper', password: 'cobol forever', displayName: 'Hopper' })
      .expect(201);
    const { Client } = await import('pg');
    const client = new Client({ connectionString: arena.databaseUrl });
    await client.connect();
    try {
      const user = await client.query('SELECT password_hash FROM users WHERE username = $1', ['hopper']);
      expect(user.rows[0].password_hash).toMatch(/^\$argon2id\$/);
      const sessions = await client.query('SELECT token_hash FROM sessions WHERE user_id = $1', [signIn.body.user.id]);
      expect(sessions.rows).toHaveLength(1);
      expect(sessions.rows[0].token_hash).not.toContain(signIn.body.token);
      expect(sessions.rows[0].token_hash).not.toBe(signIn.body.token);
    } finally {
      await client.end();
    }
  });

  it('revokes the session on logout', async () => {
    const token = await arena.guest();
    await arena.http().post('/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    const after = await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
  });

  it('refuses missing, malformed and made-up tokens with UNAUTHENTICATED', async () => {
    for (const header of [
      undefined,
      'Bearer',
      'Basic abc',
      'Bearer st_not-a-real-token-but-long-enough-to-look-like-one',
    ]) {
      const call = arena.http().get('/me');
      const response = await (header ? call.set('Authorization', header) : call).expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a registered user create an agent whose key signs it in as a player it owns', async () => {
    const owner = await arena
      .http()
      .post('/auth/register')
      .send({ username: 'owner1', password: 'owner password', displayName: 'Owner' })
      .expect(201);
    const auth = `Bearer ${owner.body.token}`;
    const created = await arena
      .http()
      .post('/agents')
      .set('Authorization', auth)
      .send({ displayName: 'Robo' })
      .expect(201);
    expect(created.body.agentKey).toMatch(/^ak_/);
    expect(created.body.agent).toMatchObject({ kind: 'agent', ownerId: owner.body.user.id, role: 'player' });

    const agentSession = await arena.http().post('/auth/agent').send({ agentKey: created.body.agentKey }).expect(200);
    const me = await arena.http().get('/me').set('Authorization', `Bearer ${agentSession.body.token}`).expect(200);
    expect(me.body).toMatchObject({ id: created.body.agent.id, kind: 'agent', ownerId: owner.body.user.id });

    const listed = await arena.http().get('/agents').set('Authorization', auth).expect(200);
    expect(listed.body.map((a: { id: string }) => a.id)).toEqual([created.body.agent.id]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.agentKey);

    await arena.http().delete(`/agents/${created.body.agent.id}`).set('Authorization', auth).expect(204);
    await arena.http().get('/me').set('Authorization', `Bearer ${agentSession.body.token}`).expect(401);
    const refused = await arena.http().post('/auth/agent').send({ agentKey: created.body.agentKey }).expect(401);
    expect(refused.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses agents to guests', async () => {
    const token = await arena.guest();
    const response = await arena
      .http()
      .post('/agents')
      .set('Authorization', `Bearer ${token}`)
      .send({ displayName: 'Robo' })
      .expect(403);
    expect(response.body.code).toBe('FORBIDDEN');
  });
});

describe('the first admin', () => {
  it('comes from ADMIN_USERNAME / ADMIN_PASSWORD and signs in with the admin role', async () => {
    const arena = await createTestApp({ ADMIN_USERNAME: 'root_admin', ADMIN_PASSWORD: 'a long admin password' });
    try {
      const login = await arena
        .http()
        .post('/auth/login')
        .send({ username: 'root_admin', password: 'a long admin password' })
        .expect(200);
      expect(login.body.user.role).toBe('admin');
    } finally {
      await arena.close();
    }
  });
});
