import { ConfigError, loadConfig } from '../../src/config/app-config';

describe('configuration', () => {
  it('has working defaults for a fresh machine', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.embeddedPg.dir).toBe('./.data/pg');
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisPrefix).toBe('arena');
    expect(config.idempotency.ttlMs).toBe(24 * 3600_000);
    expect(config.admin).toBeUndefined();
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://db/arena',
      REDIS_URL: 'redis://cache:6379',
      REDIS_PREFIX: 'arena-staging',
      ADMIN_USERNAME: 'boss',
      ADMIN_PASSWORD: 'a very long password',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      TRUST_PROXY: 'true',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://db/arena',
      redisUrl: 'redis://cache:6379',
      redisPrefix: 'arena-staging',
      admin: { username: 'boss', password: 'a very long password' },
      corsOrigins: ['https://a.example', 'https://b.example'],
      trustProxy: true,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ THROTTLE_IP_LIMIT: '0' }, /THROTTLE_IP_LIMIT/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET/],
    [{ ADMIN_USERNAME: 'boss' }, /ADMIN_USERNAME and ADMIN_PASSWORD/],
  ])('stops on %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('requires SESSION_SECRET in production and has no default for it there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required/);
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40) });
    expect(config.sessionSecret).toBe('s'.repeat(40));
  });
});
