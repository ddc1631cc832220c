import { Client } from 'pg';

/** Connection string with another database name on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Databases a test run creates are named after its process, so a crashed run's leftovers can be found. */
export const TEST_DATABASE_PREFIX = 'arena_test_';
