import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';

export interface StoredResult {
  requestHash: string;
  /** Null while the key is claimed and its work has no answer yet. */
  statusCode: number | null;
  response: unknown;
  /** Milliseconds until the claim's lease runs out (negative once it has); only for a claim without an answer. */
  leaseLeftMs: number;
}

/**
 * The idempotency store. A claim is a committed row written by one statement, never a lock held while
 * the work runs: so no statement here waits for a transaction that waits for something else.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Claims (scope, key) under a lease for `token`, in a statement of its own. An entry past its TTL is
   * taken over as if absent, and so is a claim with the same request whose lease ran out (its holder
   * died). False when someone else holds the key or its answer.
   */
  async claim(
    scope: string,
    key: string,
    requestHash: string,
    token: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at, lease_token, lease_until)
       VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5, now() + $6 * interval '1 millisecond')
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status_code = NULL, response = NULL, created_at = now(),
             expires_at = EXCLUDED.expires_at, lease_token = EXCLUDED.lease_token, lease_until = EXCLUDED.lease_until
         WHERE idempotency_keys.expires_at <= now()
            OR (idempotency_keys.status_code IS NULL AND idempotency_keys.lease_until <= now()
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
      [scope, key, requestHash, ttlMs, token, leaseMs],
    );
    return rows.length === 1;
  }

  async find(scope: string, key: string): Promise<StoredResult | undefined> {
    const rows: Array<{
      request_hash: string;
      status_code: number | null;
      response: unknown;
      lease_left_ms: number | null;
    }> = await this.tx.manager.query(
      `SELECT request_hash, status_code, response, extract(epoch FROM lease_until - now()) * 1000 AS lease_left_ms
       FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at > now()`,
      [scope, key],
    );
    const row = rows[0];
    return (
      row && {
        requestHash: row.request_hash,
        statusCode: row.status_code,
        response: row.response,
        leaseLeftMs: Number(row.lease_left_ms ?? 0),
      }
    );
  }

  /** Stores the answer, if `token` still holds the claim (in the work's transaction when there is one). */
  async complete(scope: string, key: string, token: string, statusCode: number, response: unknown): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.tx.manager.query(
      `UPDATE idempotency_keys SET status_code = $4, response = $5::json, lease_token = NULL, lease_until = NULL
       WHERE scope = $1 AND key = $2 AND lease_token = $3 AND status_code IS NULL`,
      [scope, key, token, statusCode, JSON.stringify(response ?? null)],
    );
    return affected === 1;
  }

  /** Gives up a claim whose work failed: nothing is stored, and the key may be used again. */
  async release(scope: string, key: string, token: string): Promise<void> {
    await this.tx.manager.query(
      'DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND lease_token = $3 AND status_code IS NULL',
      [scope, key, token],
    );
  }

  async deleteExpired(now = new Date()): Promise<number> {
    const [, affected]: [unknown, number] = await this.tx.manager.query(
      'DELETE FROM idempotency_keys WHERE expires_at <= $1',
      [now],
    );
    return affected;
  }
}
