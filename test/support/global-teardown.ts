import { adminQuery } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.ARENA_TEST_ADMIN_URL;
  const template = process.env.ARENA_TEST_TEMPLATE;
  if (adminUrl && template)
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
  const embedded = (globalThis as { arenaEmbeddedPostgres?: { stop(): Promise<void> } }).arenaEmbeddedPostgres;
  await embedded?.stop();
}
