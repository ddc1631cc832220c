import { randomBytes } from 'node:crypto';
import { DataSource, type MigrationInterface } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { adminQuery, TEST_DATABASE_PREFIX, withDatabase } from '../support/test-database';

/**
 * An operator rolling back a release runs `npm run migration:revert` once per migration it added: every
 * migration's `down` must run and leave the schema exactly as the migration before it made it, so that
 * applying it again gives the same schema too.
 */
describe('migrations', () => {
  const adminUrl = process.env.ARENA_TEST_ADMIN_URL!;
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_migrations_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    dataSource = new DataSource({ ...dataSourceOptions(withDatabase(adminUrl, name), 1), logging: false });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('each one reverts to the schema before it, and the chain applies again to the same schema', async () => {
    const url = withDatabase(adminUrl, name);
    const chain = dataSource.migrations.map((m) => m.constructor as new () => MigrationInterface);
    expect(chain.length).toBeGreaterThan(4);

    // Forward, one migration at a time: the schema each one leaves.
    const forward = [await schema(dataSource)];
    for (let k = 1; k <= chain.length; k += 1) {
      const upTo = new DataSource({ ...dataSourceOptions(url, 1), migrations: chain.slice(0, k), logging: false });
      await upTo.initialize();
      try {
        expect((await upTo.runMigrations({ transaction: 'each' })).length).toBe(1);
      } finally {
        await upTo.destroy();
      }
      forward.push(await schema(dataSource));
    }

    // Back, one at a time: each revert gives the schema from before that migration.
    for (let k = chain.length; k >= 1; k -= 1) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect({ reverted: chain[k - 1].name, schema: await schema(dataSource) }).toEqual({
        reverted: chain[k - 1].name,
        schema: forward[k - 1],
      });
    }

    expect((await dataSource.runMigrations({ transaction: 'each' })).length).toBe(chain.length);
    expect(await schema(dataSource)).toEqual(forward[chain.length]);
  });
});

/** The public schema as PostgreSQL describes it: columns, constraints, indexes, functions and triggers, sorted. */
async function schema(dataSource: DataSource): Promise<string> {
  const rows: Array<{ line: string }> = await dataSource.query(`
    SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '')) AS line
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'migrations'
    UNION ALL
    SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'migrations'
    UNION ALL
    SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations'
    UNION ALL
    SELECT format('function %s(%s) %s', p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc))
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('trigger %s', pg_get_triggerdef(t.oid))
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
    ORDER BY 1`);
  return rows.map((r) => r.line).join('\n');
}
