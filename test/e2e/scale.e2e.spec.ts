import { createTestApp, nextEvent } from '../support/test-app';

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) process.stdout.write('SKIPPED: broadcasts across processes need REDIS_URL\n');

withRedis('several Arena processes on one PostgreSQL and one Redis', () => {
  it('a logout served by one process closes the session socket held by the other', async () => {
    const env = { REDIS_URL: process.env.REDIS_URL! };
    const first = await createTestApp(env);
    const second = await createTestApp(env, first.databaseUrl);
    try {
      const token = await first.guest('Roaming');
      const socket = await second.socket(token);
      const revoked = nextEvent(socket, 'session:revoked');
      const closed = nextEvent(socket, 'disconnect');
      await first.http().post('/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
      expect(await revoked).toEqual({ reason: 'logout' });
      await closed;
    } finally {
      await second.close();
      await first.close();
    }
  });
});
