import { randomBytes } from 'node:crypto';
import { adminQuery, withDatabase } from './test-database';

/**
 * Each test file gets its own copy of the migrated template, made on first use and dropped after the
 * file: files run in parallel and never see each other's rows.
 */
let created: Promise<string> | undefined;
let name: string | undefined;

export function testDatabaseUrl(): Promise<string> {
  created ??= (async () => {
    const adminUrl = required('ARENA_TEST_ADMIN_URL');
    const template = required('ARENA_TEST_TEMPLATE');
    name = `${template.replace(/_template$/, '')}_${randomBytes(5).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
    return withDatabase(adminUrl, name);
  })();
  return created;
}

afterAll(async () => {
  if (name) await adminQuery(required('ARENA_TEST_ADMIN_URL'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

function required(variable: string): string {
  const value = process.env[variable];
  if (!value)
    throw new Error(`${variable} is not set: run the tests through jest (its global setup prepares the database)`);
  return value;
}
