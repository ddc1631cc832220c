import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { adminQuery, TEST_DATABASE_PREFIX, withDatabase } from './test-database';

/**
 * Once per run: find PostgreSQL (TEST_DATABASE_URL, or an embedded server under ./.data/test-pg),
 * migrate a template database with the real migrations, and hand its name to the test files, each of
 * which copies it (CREATE DATABASE ... TEMPLATE) so files run in parallel on their own rows.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres({ dir: './.data/test-pg', port: 0 });
    (globalThis as { arenaEmbeddedPostgres?: unknown }).arenaEmbeddedPostgres = embedded;
    adminUrl = embedded.url('postgres');
    process.stdout.write('\nTests run on an embedded PostgreSQL (set TEST_DATABASE_URL to use a server).\n');
  } else {
    process.stdout.write(`\nTests run on TEST_DATABASE_URL (${new URL(adminUrl).host}).\n`);
  }
  await dropLeftovers(adminUrl);

  const template = `${TEST_DATABASE_PREFIX}${process.pid}_template`;
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${template}`);
  await runMigrations(withDatabase(adminUrl, template));

  process.env.ARENA_TEST_ADMIN_URL = adminUrl;
  process.env.ARENA_TEST_TEMPLATE = template;
  if (!process.env.REDIS_URL) {
    process.stdout.write('REDIS_URL is not set: tests that need Redis are skipped and say so.\n');
  }
}

/** Test databases of runs whose process is gone (a crash, a kill) are dropped; live runs are left alone. */
async function dropLeftovers(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${TEST_DATABASE_PREFIX}%`,
    ]);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
      if (Number.isInteger(pid) && !processAlive(pid))
        await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
