/**
 * Group-commit benchmark: `npm run bench:commit`.
 *
 * What PostgreSQL spends on chat's group commit (MessagingRepository.sendBatch on the real migrations: the
 * chat_send_batch function for a few messages, the one statement for more), by batch size, with no
 * sockets and no Arena server in the way: the figure to watch when changing either. On a fresh database
 * of the PostgreSQL named by DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; dropped
 * afterwards), 100 conversations of 10
 * members; then, for each batch size, batches of messages from random members, one after another on
 * one connection, after a history of BENCH_HISTORY messages. Prints the backend's CPU per batch and per message (from /proc, so PostgreSQL must
 * run on this machine) and the wall time per batch, next to the baseline measured in the same run: a
 * one-row INSERT and its commit. Medians of RUNS rounds.
 *
 * Knobs (environment): BENCH_SIZES=1,5,20,60,256 BENCH_MESSAGES=3000 (per size and round, at least 40 batches) BENCH_RUNS=3
 * BENCH_HISTORY=100000 (messages stored before the first batch, a multiple of 1,000).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { adminQuery, withDatabase } from '../src/database/admin-sql';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { TransactionHost } from '../src/database/transaction-host';
import { MessagingRepository, type NewMessage } from '../src/messaging/messaging.repository';

const SIZES = (process.env.BENCH_SIZES ?? '1,5,20,60,256').split(',').map(Number);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Cost {
  cpuUs: number;
  wallUs: number;
}

async function main(): Promise<void> {
  const database = `arena_bench_commit_${process.pid}`;
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
  const url = withDatabase(ADMIN_URL, database);
  const dataSource = new DataSource(dataSourceOptions(url, 1)); // one connection: one backend to watch
  try {
    await runMigrations(url);
    await dataSource.initialize();
    const members = await seed(dataSource);
    const repository = new MessagingRepository(new TransactionHost(dataSource), dataSource);
    const [{ pid }] = (await dataSource.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    const cpu = () => backendCpuUs(pid);
    log(
      `PostgreSQL backend ${pid}; 100 conversations x 10 members, ${HISTORY} messages of history; ${MESSAGES} messages per batch size and round, ${RUNS} rounds`,
    );

    const baseline: Cost[] = [];
    const bySize = new Map<number, Cost[]>(SIZES.map((size) => [size, []]));
    for (let run = 1; run <= RUNS; run += 1) {
      baseline.push(
        await measure(cpu, MESSAGES, () => dataSource.query('INSERT INTO bench_commit (at) VALUES (now())')),
      );
      for (const size of SIZES) {
        // At least 40 batches: the CPU clock ticks every 10 ms, too coarse for a dozen big ones.
        const batches = Math.max(40, Math.round(MESSAGES / size));
        bySize.get(size)!.push(await measure(cpu, batches, () => repository.sendBatch(batch(members, size))));
      }
    }

    const base = medianCost(baseline);
    log(
      `baseline, a one-row INSERT and its commit: backend ${base.cpuUs.toFixed(0)} us CPU, ${base.wallUs.toFixed(0)} us wall`,
    );
    for (const [size, costs] of bySize) {
      const cost = medianCost(costs);
      log(
        `batches of ${String(size).padStart(3)}: backend ${cost.cpuUs.toFixed(0).padStart(5)} us CPU per batch ` +
          `(${(cost.cpuUs / base.cpuUs).toFixed(1)}x the baseline), ${(cost.cpuUs / size).toFixed(0).padStart(4)} us per message; ` +
          `${cost.wallUs.toFixed(0)} us wall per batch`,
      );
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

/** 100 conversations of 10 members each, as (conversation, member) pairs; and the baseline's table. */
async function seed(dataSource: DataSource): Promise<Array<{ conversationId: string; userId: string }>> {
  await dataSource.query('CREATE TABLE bench_commit (at timestamptz NOT NULL)');
  await dataSource.query(
    `INSERT INTO users (kind, display_name, version) SELECT 'guest', 'Bench ' || g, 1 FROM generate_series(1, 1000) g`,
  );
  await dataSource.query(
    `INSERT INTO conversations (kind, title) SELECT 'group', 'Bench ' || g FROM generate_series(1, 100) g`,
  );
  await dataSource.query(
    `WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM conversations),
          u AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users)
     INSERT INTO conversation_members (conversation_id, user_id) SELECT c.id, u.id FROM c JOIN u ON u.n / 10 = c.n`,
  );
  // A history, as a live server has one (and so the planner's statistics are those of a used table).
  await dataSource.query(
    `INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body)
     SELECT m.conversation_id, row_number() OVER (PARTITION BY m.conversation_id ORDER BY m.user_id, g), m.user_id, 'seed-' || g, 'an older message'
     FROM conversation_members m CROSS JOIN generate_series(1, ${HISTORY / 1000}) g`,
  );
  await dataSource.query(
    'UPDATE conversations c SET last_seq = (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)',
  );
  await dataSource.query('ANALYZE');
  return (await dataSource.query(
    'SELECT conversation_id AS "conversationId", user_id AS "userId" FROM conversation_members',
  )) as Array<{
    conversationId: string;
    userId: string;
  }>;
}

function batch(members: Array<{ conversationId: string; userId: string }>, size: number): NewMessage[] {
  return Array.from({ length: size }, (_, i) => {
    const member = members[Math.floor(Math.random() * members.length)];
    return {
      conversationId: member.conversationId,
      senderId: member.userId,
      clientMsgId: randomUUID(),
      body: `a bench message ${i}`,
      roomRuleChecked: false,
    };
  });
}

/** Backend CPU and wall time per call of `work`, over `times` calls in a row (after one to warm up). */
async function measure(cpu: () => number, times: number, work: () => Promise<unknown>): Promise<Cost> {
  await work();
  const [cpuBefore, wallBefore] = [cpu(), performance.now()];
  for (let i = 0; i < times; i += 1) await work();
  return { cpuUs: (cpu() - cpuBefore) / times, wallUs: ((performance.now() - wallBefore) * 1000) / times };
}

/** A PostgreSQL backend's CPU time so far, in microseconds (utime + stime of /proc/PID/stat, at 100 ticks/s). */
function backendCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function medianCost(costs: Cost[]): Cost {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { cpuUs: median(costs.map((c) => c.cpuUs)), wallUs: median(costs.map((c) => c.wallUs)) };
}

function log(line: string): void {
  console.log(`[bench:commit] ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
