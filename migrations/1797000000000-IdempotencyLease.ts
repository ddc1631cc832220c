import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An idempotency key is claimed by a committed row before the work runs, not by a row lock held through
 * it: a concurrent copy then sees the claim at once and waits without holding a connection. The lease
 * says who is working on it and until when; a claim whose holder died without an answer is taken over
 * once its lease has run out.
 */
export class IdempotencyLease1797000000000 implements MigrationInterface {
  name = 'IdempotencyLease1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN lease_token uuid, ADD COLUMN lease_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_keys WHERE status_code IS NULL`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN lease_token, DROP COLUMN lease_until`);
  }
}
