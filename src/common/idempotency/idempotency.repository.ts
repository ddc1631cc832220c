import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';

export interface StoredResult {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Claims (scope, key) for this transaction. A concurrent claim of the same key blocks on the primary
   * key until the first transaction ends; an expired entry is taken over as if it were absent.
   */
  async claim(scope: string, key: string, requestHash: string, ttlMs: number): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
       VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status_code = NULL, response = NULL,
             created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= now()
       RETURNING 1`,
      [scope, key, requestHash, ttlMs],
    );
    return rows.length === 1;
  }

  async find(scope: string, key: string): Promise<StoredResult | undefined> {
    const rows: Array<{ request_hash: string; status_code: number; response: unknown }> = await this.tx.manager.query(
      'SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const row = rows[0];
    return row && { requestHash: row.request_hash, statusCode: row.status_code, response: row.response };
  }

  async complete(scope: string, key: string, statusCode: number, response: unknown): Promise<void> {
    await this.tx.manager.query(
      'UPDATE idempotency_keys SET status_code = $3, response = $4::json WHERE scope = $1 AND key = $2',
      [scope, key, statusCode, JSON.stringify(response ?? null)],
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
