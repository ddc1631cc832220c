import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * sanctions_version: one number that every committed change to sanctions (a new one, a revocation, a
 * deletion by cascade, a TRUNCATE) moves on. Each Arena process reads it every SANCTION_CACHE_MS and
 * keeps users' sanctions cached until it moves, instead of reading each active user's sanctions again
 * every SANCTION_CACHE_MS: one query per process per interval in place of one per user.
 *
 * The bump is a deferred constraint trigger, so it runs at commit: the version's row lock is the last
 * lock a sanction's transaction takes and is held only while it commits, and a reader sees the new
 * number no sooner than the change itself. It fires per row (a deferred trigger must) but moves the
 * number once per transaction, so a bulk change (say every sanction of a deleted moderator) costs one
 * update, not one per row.
 */
export class SanctionsVersion1796900000001 implements MigrationInterface {
  name = 'SanctionsVersion1796900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sanctions_version (
        singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT chk_sanctions_version_singleton CHECK (singleton),
        version bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`INSERT INTO sanctions_version DEFAULT VALUES`);
    await q.query(`
      CREATE FUNCTION sanctions_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Once per transaction: a row this transaction already moved on has its id as xmin.
        UPDATE sanctions_version SET version = version + 1 WHERE xmin <> pg_current_xact_id()::xid;
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER trg_sanctions_version AFTER INSERT OR UPDATE OR DELETE ON sanctions
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sanctions_version_bump()`);
    await q.query(
      `CREATE TRIGGER trg_sanctions_version_truncate AFTER TRUNCATE ON sanctions FOR EACH STATEMENT EXECUTE FUNCTION sanctions_version_bump()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER trg_sanctions_version_truncate ON sanctions');
    await q.query('DROP TRIGGER trg_sanctions_version ON sanctions');
    await q.query('DROP FUNCTION sanctions_version_bump()');
    await q.query('DROP TABLE sanctions_version');
  }
}
