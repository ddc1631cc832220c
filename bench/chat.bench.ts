/**
 * Chat benchmark: `npm run bench:chat`.
 *
 * Starts Arena in a child process on a fresh database of the PostgreSQL named by DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres; the database is dropped afterwards), signs in
 * CONVERSATIONS x MEMBERS guests, puts each group of MEMBERS in a conversation and connects every
 * member over a real Socket.IO websocket. Then, RUNS times:
 *  - throughput: a closed loop (SENDERS sockets each send, wait for the ack, send again) for SECONDS;
 *    durable messages/s = messages acknowledged (acks come after commit) per second;
 *  - latency: an open loop at RATE messages/s for SECONDS; send-to-delivery time at every other member.
 * Prints each run and the medians. Every message is checked to reach every member once (the sender in its ack), in seq order.
 *
 * Knobs (environment): BENCH_CONVERSATIONS=100 BENCH_MEMBERS=10 BENCH_SENDERS=200 BENCH_SECONDS=10
 * BENCH_RATE=1000 BENCH_RUNS=3 BENCH_POOL=20.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { configureApp } from '../src/configure-app';
import { runMigrations } from '../src/database/migrate';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/protocol';
import type { ChatMessage } from '../src/protocol/chat.protocol';
import { adminQuery, withDatabase } from '../src/database/admin-sql';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONVERSATIONS = env('BENCH_CONVERSATIONS', 100);
const MEMBERS = env('BENCH_MEMBERS', 10);
const SENDERS = env('BENCH_SENDERS', 200);
const SECONDS = env('BENCH_SECONDS', 10);
const RATE = env('BENCH_RATE', 1000);
const RUNS = env('BENCH_RUNS', 3);
const POOL = env('BENCH_POOL', 20);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Member {
  userId: string;
  token: string;
  conversationId: string;
  socket: ChatSocket;
}

// ---------------------------------------------------------------- the server (child process)

async function serve(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(POOL),
    THROTTLE_IP_LIMIT: '100000000',
    THROTTLE_USER_LIMIT: '100000000',
    THROTTLE_AUTH_LIMIT: '100000000',
    // Every bench socket shares one address; the in-memory throttler's cost grows with the hits in its window.
    THROTTLE_TTL_MS: '1000',
  });
  const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl }), { bodyParser: false, logger: false });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.send!({ port });
  process.on('message', async (message: { stop?: boolean; cpu?: boolean }) => {
    if (message.cpu) process.send!({ cpu: process.cpuUsage() });
    if (!message.stop) return;
    await app.close();
    process.exit(0);
  });
}

// ---------------------------------------------------------------- the load (parent process)

async function main(): Promise<void> {
  const database = `arena_bench_${process.pid}`;
  const databaseUrl = withDatabase(ADMIN_URL, database);
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
  let server: ChildProcess | undefined;
  const members: Member[] = [];
  try {
    await runMigrations(databaseUrl);
    const started = await startServer(databaseUrl);
    server = started.child;
    const child = started.child;
    const url = `http://127.0.0.1:${started.port}`;
    log(`Arena on ${url}, database ${database}; ${CONVERSATIONS} conversations x ${MEMBERS} members, ${SENDERS} closed-loop senders, ${RATE} msg/s open loop, ${SECONDS} s x ${RUNS} runs`);

    members.push(...(await setUp(url)));
    const tracker = new DeliveryTracker(members);
    const throughputs: number[] = [];
    const p50s: number[] = [];
    const p99s: number[] = [];
    const cpuPerMessage: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const [serverBefore, loadBefore, countBefore] = [await serverCpu(child), process.cpuUsage(), tracker.total];
      const throughput = await closedLoop(members, tracker, run);
      const [serverAfter, loadAfter] = [await serverCpu(child), process.cpuUsage(loadBefore)];
      const messages = tracker.total - countBefore;
      const serverUs = (serverAfter - serverBefore) / messages;
      cpuPerMessage.push(serverUs);
      throughputs.push(throughput);
      const latency = await openLoop(members, tracker, run);
      p50s.push(latency.p50);
      p99s.push(latency.p99);
      log(
        `run ${run}: ${throughput.toFixed(0)} durable msg/s (CPU per message: server ${serverUs.toFixed(0)} us, load generator ${((loadAfter.user + loadAfter.system) / messages).toFixed(0)} us); ` +
          `at ${RATE} msg/s delivery p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (${latency.samples} deliveries, ${latency.sent} sent)`,
      );
    }
    const problems = await tracker.verify();
    log(`median of ${RUNS}: ${median(throughputs).toFixed(0)} durable msg/s; delivery p50 ${median(p50s).toFixed(1)} ms, p99 ${median(p99s).toFixed(1)} ms; server CPU ${median(cpuPerMessage).toFixed(0)} us per message`);
    log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    log(`checked ${tracker.total} messages: ${problems.length === 0 ? 'every one reached every member once (the sender in its ack), in seq order' : problems.slice(0, 5).join('; ')}`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    for (const member of members) member.socket.disconnect();
    if (server) await stopServer(server);
    await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

async function setUp(url: string): Promise<Member[]> {
  const t0 = performance.now();
  const users = await inBatches(CONVERSATIONS * MEMBERS, 50, async (i) => {
    const response = await fetch(`${url}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: `Bench ${i}` }) });
    const body = (await response.json()) as { token: string; user: { id: string } };
    if (!response.ok) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
    return { userId: body.user.id, token: body.token };
  });
  const conversationIds = await inBatches(CONVERSATIONS, 20, async (c) => {
    const [owner, ...rest] = users.slice(c * MEMBERS, (c + 1) * MEMBERS);
    const response = await fetch(`${url}/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ title: `Bench ${c}`, memberIds: rest.map((u) => u.userId) }),
    });
    const body = (await response.json()) as { id: string };
    if (!response.ok) throw new Error(`create failed: ${JSON.stringify(body)}`);
    return body.id;
  });
  const members = await inBatches(users.length, 100, async (i) => {
    const socket: ChatSocket = io(url, { auth: { token: users[i].token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { ...users[i], conversationId: conversationIds[Math.floor(i / MEMBERS)], socket };
  });
  // Connected sockets join their conversation's room on connect; a sync makes sure it has happened.
  await inBatches(members.length, 100, (i) => ack(members[i].socket.timeout(10_000).emitWithAck('chat:sync', { cursors: [] })));
  log(`set up ${members.length} members in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return members;
}

/** Closed loop: SENDERS members each send, await the ack (after commit), and send again. */
async function closedLoop(members: Member[], tracker: DeliveryTracker, run: number): Promise<number> {
  // Senders spread evenly over the conversations.
  const senders = Array.from({ length: Math.min(SENDERS, members.length) }, (_, i) => members[(i % CONVERSATIONS) * MEMBERS + Math.floor(i / CONVERSATIONS)]);
  let acked = 0;
  let measuring = false;
  let stop = false;
  let counter = 0;
  const loops = senders.map(async (member) => {
    while (!stop) {
      const clientMsgId = `t${run}-${member.userId.slice(0, 8)}-${counter++}`;
      tracker.sent(clientMsgId, member);
      const message = await ack<ChatMessage>(member.socket.timeout(30_000).emitWithAck('chat:send', { conversationId: member.conversationId, clientMsgId, body: 'a throughput message' }));
      tracker.acked(message, member);
      if (measuring) acked++;
    }
  });
  await sleep(1000); // warm up
  measuring = true;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  measuring = false;
  stop = true;
  await Promise.all(loops);
  await tracker.drain();
  return acked / elapsed;
}

/** Open loop at RATE messages/s from members in turn, whatever the acks; latency at every other member. */
async function openLoop(members: Member[], tracker: DeliveryTracker, run: number): Promise<{ p50: number; p99: number; samples: number; sent: number }> {
  const latencies: number[] = [];
  tracker.onDelivery = (latencyMs) => latencies.push(latencyMs);
  let sent = 0;
  const pending: Array<Promise<unknown>> = [];
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      const due = Math.min(Math.floor(elapsed * RATE), RATE * SECONDS);
      while (sent < due) {
        const member = members[(sent * 7919) % members.length];
        const clientMsgId = `l${run}-${sent}`;
        tracker.sent(clientMsgId, member);
        sent++;
        pending.push(
          ack<ChatMessage>(member.socket.timeout(30_000).emitWithAck('chat:send', { conversationId: member.conversationId, clientMsgId, body: 'a latency message' })).then((m) =>
            tracker.acked(m, member),
          ),
        );
      }
      if (sent >= RATE * SECONDS) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  await Promise.all(pending);
  await tracker.drain();
  tracker.onDelivery = undefined;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), samples: latencies.length, sent };
}

/**
 * Records what was sent and what each member got: latency at the other members, and that every socket
 * saw every seq exactly once (its own messages in the ack, the others as chat:message, those in order).
 */
class DeliveryTracker {
  onDelivery?: (latencyMs: number) => void;
  total = 0;
  private readonly sentAt = new Map<string, { at: number; senderId: string }>();
  private readonly lastSeq = new Map<string, number>(); // conversation -> last acked seq
  private readonly seen = new Map<ChatSocket, { count: number; lastEvent: number }>();
  private readonly problems: string[] = [];
  private deliveries = 0;
  private expectedDeliveries = 0;

  constructor(private readonly members: Member[]) {
    for (const member of members) {
      this.seen.set(member.socket, { count: 0, lastEvent: 0 });
      member.socket.on('chat:message', (message: ChatMessage) => this.received(member, message));
    }
  }

  sent(clientMsgId: string, member: Member): void {
    this.sentAt.set(clientMsgId, { at: performance.now(), senderId: member.userId });
  }

  acked(message: ChatMessage, member: Member): void {
    this.total++;
    this.expectedDeliveries += MEMBERS - 1;
    this.seen.get(member.socket)!.count++;
    this.lastSeq.set(message.conversationId, Math.max(this.lastSeq.get(message.conversationId) ?? 0, message.seq));
  }

  private received(member: Member, message: ChatMessage): void {
    this.deliveries++;
    const seen = this.seen.get(member.socket)!;
    if (message.seq <= seen.lastEvent && this.problems.length < 20) this.problems.push(`${member.userId} got seq ${message.seq} after ${seen.lastEvent}`);
    seen.lastEvent = Math.max(seen.lastEvent, message.seq);
    seen.count++;
    const sent = this.sentAt.get(message.clientMsgId);
    if (sent) this.onDelivery?.(performance.now() - sent.at);
  }

  /** Waits until every acknowledged message has reached every other member (or 10 s pass). */
  async drain(): Promise<void> {
    const deadline = performance.now() + 10_000;
    while (this.deliveries < this.expectedDeliveries && performance.now() < deadline) await sleep(20);
  }

  async verify(): Promise<string[]> {
    await this.drain();
    const problems = [...this.problems];
    if (this.deliveries !== this.expectedDeliveries) problems.push(`${this.deliveries} deliveries for ${this.expectedDeliveries} expected`);
    for (const member of this.members) {
      const { count } = this.seen.get(member.socket)!;
      const last = this.lastSeq.get(member.conversationId) ?? 0;
      if (count !== last) problems.push(`${member.userId} saw ${count} of seqs 1..${last}`);
    }
    return problems;
  }
}

// ---------------------------------------------------------------- helpers

function startServer(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  // BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof) go to the server's node only.
  const execArgv = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = fork(__filename, ['--serve'], { env: { ...process.env, BENCH_DATABASE_URL: databaseUrl }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

/** The server process's CPU time so far, in microseconds. */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listener = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (!message.cpu) return;
      child.off('message', listener);
      if (process.env.BENCH_CPU_SPLIT) log(`server cpu user ${message.cpu.user} us, system ${message.cpu.system} us`);
      resolve(message.cpu.user + message.cpu.system);
    };
    child.on('message', listener);
    child.send({ cpu: true });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send({ stop: true });
  });
}

async function ack<T>(reply: Promise<unknown>): Promise<T> {
  const answer = (await reply) as { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.data;
}

async function inBatches<T>(count: number, width: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}



function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stdout.write(`[bench:chat] ${line}\n`);

if (process.argv.includes('--serve')) {
  serve().catch((error) => {
    process.stderr.write(`bench server failed: ${(error as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}
