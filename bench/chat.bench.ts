/**
 * Chat benchmark: `npm run bench:chat`.
 *
 * Starts Arena in a child process on a fresh database of the PostgreSQL named by DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres; the database is dropped afterwards), signs in
 * CONVERSATIONS x MEMBERS guests, puts each group of MEMBERS in a conversation and connects every
 * member over a real Socket.IO websocket. As a yardstick, the same number of sockets join the same
 * conversations on the bare relay of bench/bare-server.ts (Socket.IO alone, in memory), in another child
 * process. Then, RUNS times, for Arena and then for the bare relay (never both at once, so the two
 * servers do not compete for the cores):
 *  - throughput: a closed loop (SENDERS sockets, by default every member, each send, wait for the ack,
 *    send again) for SECONDS;
 *    durable messages/s = messages acknowledged (Arena acks after commit) per second;
 *  - latency: an open loop at RATE messages/s for SECONDS; send-to-delivery time at every other member.
 * Prints each run and the medians, with the ratio Arena/bare. Every message is checked to reach every
 * member once (the sender in its ack), in seq order. The load runs here on LeanSocket, which decodes
 * only the chat messages, because it shares the machine with both servers and PostgreSQL.
 *
 * Where `perf stat` counts instructions, each server's instructions per message in the closed loop are
 * printed too: CPU time here moves by tens of percent with the host's load, instruction counts hardly.
 *
 * Knobs (environment): BENCH_CONVERSATIONS=100 BENCH_MEMBERS=10 BENCH_SENDERS=(every member) BENCH_SECONDS=10
 * BENCH_RATE=1000 BENCH_RUNS=3 BENCH_POOL=20 BENCH_BARE=1 (0: Arena only) BENCH_PERF=1 (0: no perf);
 * BENCH_PROFILE=<dir> (CPU profiles of Arena's closed and open loops, written there);
 * CHAT_COMMIT_CONCURRENCY, when set, goes to Arena.
 */
import 'reflect-metadata';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { configureApp } from '../src/configure-app';
import { runMigrations } from '../src/database/migrate';
import type { ClientToServerEvents } from '../src/protocol';
import type { ChatMessage } from '../src/protocol/chat.protocol';
import { adminQuery, withDatabase } from '../src/database/admin-sql';
import { LeanSocket } from './lean-client';

/** The events this benchmark sends, from the shared protocol map, and the bare relay's join. */
type BenchEvent = keyof ClientToServerEvents | 'bare:chat-join';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONVERSATIONS = env('BENCH_CONVERSATIONS', 100);
const MEMBERS = env('BENCH_MEMBERS', 10);
/**
 * Every member by default: a closed loop of fewer senders measures their round trip more than the
 * server's capacity (with 200, Arena's server sat idle about 18 % of the loop, waiting on commits that
 * held every sender; the bare relay, which commits nothing, did the same with 200 or 1,000).
 */
const SENDERS = env('BENCH_SENDERS', CONVERSATIONS * MEMBERS);
const SECONDS = env('BENCH_SECONDS', 10);
const RATE = env('BENCH_RATE', 1000);
const RUNS = env('BENCH_RUNS', 3);
const POOL = env('BENCH_POOL', 20);
const BARE = env('BENCH_BARE', 1) !== 0;
/** A directory: Arena's closed and open loops are CPU-profiled into it (open them in Chrome's DevTools). */
const PROFILE = process.env.BENCH_PROFILE;
/** Whether `perf stat` can count instructions here (BENCH_PERF=0 turns it off). */
const PERF =
  env('BENCH_PERF', 1) !== 0 &&
  /^\d+,/.test(spawnSync('perf', ['stat', '-x', ',', '-e', 'instructions', 'true'], { encoding: 'utf8' }).stderr ?? '');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Member {
  userId: string;
  conversationId: string;
  socket: LeanSocket;
}

/** A server under load: Arena or the bare relay, its child process and its connected members. */
interface Target {
  name: 'Arena' | 'bare';
  child: ChildProcess;
  members: Member[];
  tracker: DeliveryTracker;
  /** Where its /metrics are (Arena only). */
  metricsUrl?: string;
}

/** One run's figures for one target. */
interface Measured {
  throughput: number;
  serverUs: number;
  /** The part of serverUs spent in the kernel: mostly the socket writes, one per delivery. */
  serverSysUs: number;
  loadUs: number;
  /** Write syscalls the server made per message (from /proc/PID/io; null where it cannot be read). */
  serverWrites: number | null;
  /** Messages per group commit in the closed loop, from Arena's /metrics; null for the bare relay. */
  batchSize: number | null;
  /** PostgreSQL's CPU (all its processes) per message; null where /proc cannot tell. */
  databaseUs: number | null;
  /** Per message, from perf; null where perf cannot count instructions. */
  serverInstructions: number | null;
  p50: number;
  p99: number;
  /** In the open loop: the cores the server kept busy (1 = one core all the time), and PostgreSQL's. */
  openServerBusy: number;
  openDatabaseBusy: number | null;
  openBatchSize: number | null;
  /** The server's event-loop delay in the open loop, ms: how long a packet could wait behind other work. */
  openLoopDelay: { p99: number; max: number };
  samples: number;
  sent: number;
}

// ---------------------------------------------------------------- the server (child process)

async function serve(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const config = loadConfig({
    NODE_ENV: 'development',
    ARENA_BENCH_GAME: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(POOL),
    THROTTLE_IP_LIMIT: '100000000',
    THROTTLE_USER_LIMIT: '100000000',
    THROTTLE_AUTH_LIMIT: '100000000',
    // Every bench socket shares one address; the in-memory throttler's cost grows with the hits in its window.
    THROTTLE_TTL_MS: '1000',
    ...(process.env.CHAT_COMMIT_CONCURRENCY ? { CHAT_COMMIT_CONCURRENCY: process.env.CHAT_COMMIT_CONCURRENCY } : {}),
  });
  const app = await NestFactory.create(AppModule.forRoot({ config, databaseUrl }), {
    bodyParser: false,
    logger: false,
  });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.send!({ port });
  const profiler = PROFILE ? new Session() : null;
  profiler?.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      profiler!.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  process.on(
    'message',
    async (message: { stop?: boolean; cpu?: boolean; loop?: 'reset' | 'read'; profile?: 'start' | string }) => {
      if (message.cpu) process.send!({ cpu: process.cpuUsage() });
      if (message.loop === 'reset') {
        loopDelay.reset();
        process.send!({ loopReset: true });
      } else if (message.loop === 'read') {
        process.send!({ loop: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } });
      }
      if (message.profile === 'start') {
        await post('Profiler.enable');
        await post('Profiler.start');
        process.send!({ profiling: true });
      } else if (message.profile) {
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        writeFileSync(message.profile, JSON.stringify(profile));
        process.send!({ profiled: message.profile });
      }
      if (!message.stop) return;
      await app.close();
      process.exit(0);
    },
  );
}

// ---------------------------------------------------------------- the load (parent process)

async function main(): Promise<void> {
  const database = `arena_bench_${process.pid}`;
  const databaseUrl = withDatabase(ADMIN_URL, database);
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
  const children: ChildProcess[] = [];
  const targets: Target[] = [];
  try {
    await runMigrations(databaseUrl);
    // Arena runs with the node flags `npm start` gives it (package.json's config.nodeFlags, set by npm run),
    // plus BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof), for Arena's node only.
    const serverNodeArgs =
      `${process.env.npm_package_config_nodeFlags ?? ''} ${process.env.BENCH_SERVER_NODE_ARGS ?? ''}`
        .split(' ')
        .filter(Boolean);
    const arena = await startServer(__filename, ['--serve'], { BENCH_DATABASE_URL: databaseUrl }, serverNodeArgs);
    children.push(arena.child);
    const bare = BARE ? await startServer(join(__dirname, 'bare-server.js'), ['0'], {}, []) : undefined;
    if (bare) children.push(bare.child);
    log(
      `Arena on http://127.0.0.1:${arena.port}, database ${database}${bare ? `; bare relay on http://127.0.0.1:${bare.port}` : ''}; ` +
        `${CONVERSATIONS} conversations x ${MEMBERS} members, ${SENDERS} closed-loop senders, ${RATE} msg/s open loop, ${SECONDS} s x ${RUNS} runs`,
    );

    targets.push({
      ...target('Arena', arena.child, await setUpArena(`http://127.0.0.1:${arena.port}`)),
      metricsUrl: `http://127.0.0.1:${arena.port}/metrics`,
    });
    if (bare) targets.push(target('bare', bare.child, await setUpBare(`http://127.0.0.1:${bare.port}`)));
    const results = targets.map((): Measured[] => []);
    for (let run = 1; run <= RUNS; run++) {
      // One server at a time: the other one's sockets stay connected but idle.
      for (const [i, t] of targets.entries()) {
        const measured = await measure(t, run);
        results[i].push(measured);
        const ratio = i > 0 ? `; Arena/bare ${(results[0][run - 1].throughput / measured.throughput).toFixed(2)}x` : '';
        log(`run ${run}: ${describe(t, measured)}${ratio}`);
      }
    }
    const problems = await Promise.all(targets.map((t) => t.tracker.verify()));
    printMedians(results);
    log(
      `machine: ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const [i, t] of targets.entries()) {
      const found = problems[i];
      log(
        `${t.name}: checked ${t.tracker.total} messages: ${found.length === 0 ? 'every one reached every member once (the sender in its ack), in seq order' : found.slice(0, 5).join('; ')}`,
      );
      if (found.length > 0) process.exitCode = 1;
    }
  } finally {
    for (const t of targets) for (const member of t.members) member.socket.close();
    for (const child of children) await stopServer(child);
    await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

function target(name: Target['name'], child: ChildProcess, members: Member[]): Target {
  return { name, child, members, tracker: new DeliveryTracker(members) };
}

/** The closed loop, with the CPU each side spent on it, then the open loop. */
async function measure(t: Target, run: number): Promise<Measured> {
  const [serverBefore, loadBefore, countBefore] = [await serverCpu(t.child), process.cpuUsage(), t.tracker.total];
  const [writesBefore, databaseBefore, commitsBefore] = [
    writeSyscalls(t.child.pid!),
    databaseCpuUs(),
    await commits(t),
  ];
  const counting = countInstructions(t.child.pid!);
  if (PROFILE && t.name === 'Arena') await ask(t.child, { profile: 'start' }, 'profiling');
  const throughput = await closedLoop(t.members, t.tracker, run);
  const [serverAfter, load, instructions] = [
    await serverCpu(t.child),
    process.cpuUsage(loadBefore),
    await counting?.stop(),
  ];
  const [writesAfter, databaseAfter, commitsAfter] = [writeSyscalls(t.child.pid!), databaseCpuUs(), await commits(t)];
  // Written after the figures above were read, so the profile's own cost is not in them.
  if (PROFILE && t.name === 'Arena')
    log(
      `closed-loop CPU profile of run ${run}: ${await ask(t.child, { profile: join(PROFILE, `arena-run${run}-closed.cpuprofile`) }, 'profiled')}`,
    );
  const messages = t.tracker.total - countBefore;
  const perMessage = (before: number | null, after: number | null) =>
    before === null || after === null ? null : (after - before) / messages;
  const [openServerBefore, openDatabaseBefore, openCommitsBefore, openStart] = [
    await serverCpu(t.child),
    databaseCpuUs(),
    await commits(t),
    performance.now(),
  ];
  if (PROFILE && t.name === 'Arena') await ask(t.child, { profile: 'start' }, 'profiling');
  await ask(t.child, { loop: 'reset' }, 'loopReset');
  const latency = await openLoop(t.members, t.tracker, run);
  const openLoopDelay = (await ask(t.child, { loop: 'read' }, 'loop')) as { p99: number; max: number };
  const [openServerAfter, openDatabaseAfter, openCommitsAfter, openSeconds] = [
    await serverCpu(t.child),
    databaseCpuUs(),
    await commits(t),
    (performance.now() - openStart) / 1000,
  ];
  if (PROFILE && t.name === 'Arena')
    log(
      `open-loop CPU profile of run ${run}: ${await ask(t.child, { profile: join(PROFILE, `arena-run${run}-open.cpuprofile`) }, 'profiled')}`,
    );
  return {
    openLoopDelay,
    openServerBusy: (openServerAfter.total - openServerBefore.total) / 1e6 / openSeconds,
    openDatabaseBusy:
      openDatabaseBefore === null || openDatabaseAfter === null || t.name !== 'Arena'
        ? null
        : (openDatabaseAfter - openDatabaseBefore) / 1e6 / openSeconds,
    throughput,
    serverUs: (serverAfter.total - serverBefore.total) / messages,
    serverSysUs: (serverAfter.system - serverBefore.system) / messages,
    loadUs: (load.user + load.system) / messages,
    serverWrites: perMessage(writesBefore, writesAfter),
    databaseUs: t.name === 'Arena' ? perMessage(databaseBefore, databaseAfter) : null,
    batchSize: batchSize(commitsBefore, commitsAfter),
    openBatchSize: batchSize(openCommitsBefore, openCommitsAfter),
    serverInstructions: instructions ? instructions / messages : null,
    ...latency,
  };
}

/**
 * The server's instructions (user and kernel) while `stop` is pending, from `perf stat`, where the
 * machine has it: unlike CPU time, an instruction count hardly moves with what else the host is doing,
 * so it tells whether a change made the server do less. Null without perf.
 */
function countInstructions(pid: number): { stop: () => Promise<number | null> } | null {
  if (!PERF) return null;
  const perf = spawn('perf', ['stat', '-x', ',', '-e', 'instructions', '-p', String(pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  perf.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    stop: () =>
      new Promise((resolve) => {
        perf.once('exit', () => {
          const count = Number(
            output
              .split('\n')
              .find((line) => line.includes(',instructions'))
              ?.split(',')[0],
          );
          resolve(Number.isFinite(count) && count > 0 ? count : null);
        });
        perf.kill('SIGINT');
      }),
  };
}

const rateUnit = (t: Target) => (t.name === 'Arena' ? 'durable msg/s' : 'msg/s');

function describe(t: Target, m: Measured): string {
  return (
    `${t.name.padEnd(5)} ${m.throughput.toFixed(0)} ${rateUnit(t)} (CPU per message: server ${m.serverUs.toFixed(0)} us, ${m.serverSysUs.toFixed(0)} of them in the kernel${instructions(m)}${writes(m)}${database(m)}, load generator ${m.loadUs.toFixed(0)} us); ` +
    `at ${RATE} msg/s delivery p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms (${m.samples} deliveries, ${m.sent} sent; ` +
    `server busy ${(m.openServerBusy * 100).toFixed(0)} % of a core${m.openDatabaseBusy === null ? '' : `, PostgreSQL ${(m.openDatabaseBusy * 100).toFixed(0)} %`}` +
    `${m.openBatchSize === null ? '' : ` at ${m.openBatchSize.toFixed(1)} messages per commit`}; ` +
    `server event-loop delay p99 ${m.openLoopDelay.p99.toFixed(1)} ms, max ${m.openLoopDelay.max.toFixed(0)} ms)`
  );
}

const writes = (m: Measured) => (m.serverWrites === null ? '' : `, ${m.serverWrites.toFixed(1)} write syscalls`);
const database = (m: Measured) =>
  (m.databaseUs === null ? '' : `; PostgreSQL ${m.databaseUs.toFixed(0)} us`) +
  (m.batchSize === null ? '' : ` at ${m.batchSize.toFixed(0)} messages per commit`);

const instructions = (m: Measured) =>
  m.serverInstructions === null ? '' : ` / ${(m.serverInstructions / 1000).toFixed(0)}k instructions`;

/** Medians of each figure, Arena's next to the issue's targets; results[0] is Arena's, results[1] the bare relay's if it ran. */
function printMedians([arena, bare]: Measured[][]): void {
  const pick = (runs: Measured[], f: (m: Measured) => number) => median(runs.map(f));
  const ratio = bare
    ? `, Arena/bare ${median(arena.map((m, run) => m.throughput / bare[run].throughput)).toFixed(2)}x (median of the runs' ratios)`
    : '';
  log(
    `median of ${RUNS}: Arena ${pick(arena, (m) => m.throughput).toFixed(0)} durable msg/s (target >= 4000)` +
      (bare ? `, bare ${pick(bare, (m) => m.throughput).toFixed(0)} msg/s${ratio}` : ''),
  );
  log(
    `  at ${RATE} msg/s delivery: Arena p50 ${pick(arena, (m) => m.p50).toFixed(1)} ms, p99 ${pick(arena, (m) => m.p99).toFixed(1)} ms (target p99 <= 50 ms at 1000 msg/s)` +
      (bare
        ? `; bare p50 ${pick(bare, (m) => m.p50).toFixed(1)} ms, p99 ${pick(bare, (m) => m.p99).toFixed(1)} ms`
        : ''),
  );
  log(
    `  CPU per message: Arena server ${pick(arena, (m) => m.serverUs).toFixed(0)} us (kernel ${pick(arena, (m) => m.serverSysUs).toFixed(0)})${PERF ? ` / ${(pick(arena, (m) => m.serverInstructions ?? 0) / 1000).toFixed(0)}k instructions` : ''}${medianOf(
      arena,
      (m) => m.serverWrites,
      (v) => `, ${v.toFixed(1)} write syscalls`,
    )}` +
      `${medianOf(
        arena,
        (m) => m.databaseUs,
        (v) => `; PostgreSQL ${v.toFixed(0)} us`,
      )}, load generator ${pick(arena, (m) => m.loadUs).toFixed(0)} us` +
      (bare
        ? `; bare server ${pick(bare, (m) => m.serverUs).toFixed(0)} us (kernel ${pick(bare, (m) => m.serverSysUs).toFixed(0)})${PERF ? ` / ${(pick(bare, (m) => m.serverInstructions ?? 0) / 1000).toFixed(0)}k instructions` : ''}${medianOf(
            bare,
            (m) => m.serverWrites,
            (v) => `, ${v.toFixed(1)} write syscalls`,
          )}, load generator ${pick(bare, (m) => m.loadUs).toFixed(0)} us`
        : ''),
  );
}

/** The median of a figure some runs may lack, printed by `show`; empty when no run has it. */
function medianOf(runs: Measured[], f: (m: Measured) => number | null, show: (value: number) => string): string {
  const values = runs.map(f).filter((v): v is number => v !== null);
  return values.length === 0 ? '' : show(median(values));
}

async function setUpArena(url: string): Promise<Member[]> {
  const t0 = performance.now();
  const users = await inBatches(CONVERSATIONS * MEMBERS, 50, async (i) => {
    const response = await fetch(`${url}/auth/guest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: `Bench ${i}` }),
    });
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
  const members = await inBatches(users.length, 100, async (i) => ({
    userId: users[i].userId,
    conversationId: conversationIds[Math.floor(i / MEMBERS)],
    // Declares chat:messages, as the web client does: a conversation's messages of one commit come in one packet.
    socket: await LeanSocket.connect(url, { token: users[i].token, features: ['chat:messages'] }),
  }));
  // Connected sockets join their conversation's room on connect; a sync makes sure it has happened.
  await inBatches(members.length, 100, (i) => call(members[i].socket, 'chat:sync', { cursors: [] }));
  log(`set up ${members.length} Arena members in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return members;
}

/** The same sockets on the bare relay: each joins its conversation's room; ids are UUIDs as in Arena. */
async function setUpBare(url: string): Promise<Member[]> {
  const t0 = performance.now();
  const conversationIds = Array.from({ length: CONVERSATIONS }, () => randomUUID());
  const members = await inBatches(CONVERSATIONS * MEMBERS, 100, async (i) => {
    const member = {
      userId: randomUUID(),
      conversationId: conversationIds[Math.floor(i / MEMBERS)],
      socket: await LeanSocket.connect(url),
    };
    await call(member.socket, 'bare:chat-join', { conversationId: member.conversationId, userId: member.userId });
    return member;
  });
  log(`set up ${members.length} bare members in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return members;
}

/** Closed loop: SENDERS members each send, await the ack (after commit), and send again. */
async function closedLoop(members: Member[], tracker: DeliveryTracker, run: number): Promise<number> {
  // Senders spread evenly over the conversations.
  const senders = Array.from(
    { length: Math.min(SENDERS, members.length) },
    (_, i) => members[(i % CONVERSATIONS) * MEMBERS + Math.floor(i / CONVERSATIONS)],
  );
  let acked = 0;
  let measuring = false;
  let stop = false;
  let counter = 0;
  const loops = senders.map(async (member) => {
    while (!stop) {
      const clientMsgId = `t${run}-${member.userId.slice(0, 8)}-${counter++}`;
      tracker.sent(clientMsgId, member);
      const message = await call<ChatMessage>(member.socket, 'chat:send', {
        conversationId: member.conversationId,
        clientMsgId,
        body: 'a throughput message',
      });
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
async function openLoop(
  members: Member[],
  tracker: DeliveryTracker,
  run: number,
): Promise<{ p50: number; p99: number; samples: number; sent: number }> {
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
          call<ChatMessage>(member.socket, 'chat:send', {
            conversationId: member.conversationId,
            clientMsgId,
            body: 'a latency message',
          }).then((m) => tracker.acked(m, member)),
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
 * saw every seq exactly once (its own messages in the ack, the others as chat:message or in a
 * chat:messages batch, those in order).
 */
class DeliveryTracker {
  onDelivery?: (latencyMs: number) => void;
  total = 0;
  private readonly sentAt = new Map<string, { at: number; senderId: string }>();
  private readonly lastSeq = new Map<string, number>(); // conversation -> last acked seq
  private readonly seen = new Map<LeanSocket, { count: number; lastEvent: number }>();
  private readonly problems: string[] = [];
  private deliveries = 0;
  private expectedDeliveries = 0;

  constructor(private readonly members: Member[]) {
    for (const member of members) {
      this.seen.set(member.socket, { count: 0, lastEvent: 0 });
      member.socket.on('chat:message', (message: ChatMessage) => this.received(member, message));
      // A batch the server may send instead (a conversation's messages of one tick): each is one delivery.
      member.socket.on('chat:messages', (batch: { messages: ChatMessage[] }) => {
        for (const message of batch.messages) this.received(member, message);
      });
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
    if (message.seq <= seen.lastEvent && this.problems.length < 20)
      this.problems.push(`${member.userId} got seq ${message.seq} after ${seen.lastEvent}`);
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
    if (this.deliveries !== this.expectedDeliveries)
      problems.push(`${this.deliveries} deliveries for ${this.expectedDeliveries} expected`);
    for (const member of this.members) {
      const { count } = this.seen.get(member.socket)!;
      const last = this.lastSeq.get(member.conversationId) ?? 0;
      if (count !== last) problems.push(`${member.userId} saw ${count} of seqs 1..${last}`);
    }
    return problems;
  }
}

// ---------------------------------------------------------------- helpers

/** Forks a server (Arena's bench process or the bare relay), which reports its port over IPC. */
function startServer(
  script: string,
  args: string[],
  extraEnv: Record<string, string>,
  execArgv: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(script, args, {
    env: { ...process.env, ...extraEnv },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

type Commits = { commits: number; messages: number } | null;

const batchSize = (before: Commits, after: Commits) =>
  before && after ? (after.messages - before.messages) / Math.max(1, after.commits - before.commits) : null;

/** Arena's group commits so far, from the arena_chat_commit_batch_size histogram of its /metrics. */
async function commits(t: Target): Promise<Commits> {
  if (!t.metricsUrl) return null;
  const text = await (await fetch(t.metricsUrl)).text();
  const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
  const [commits, messages] = [value('arena_chat_commit_batch_size_count'), value('arena_chat_commit_batch_size_sum')];
  return Number.isFinite(commits) && Number.isFinite(messages) ? { commits, messages } : null;
}

/** Write syscalls (write, writev, sendmsg...) a process has made so far: syscw of /proc/PID/io, or null. */
function writeSyscalls(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/io`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('syscw:'));
    return line ? Number(line.slice('syscw:'.length)) : null;
  } catch {
    return null;
  }
}

/**
 * CPU time, in microseconds, of PostgreSQL on this machine: every postgres process (backends, WAL writer,
 * checkpointer) plus, through each postmaster's cutime and cstime, the backends that have exited (the pool
 * closes idle connections). What the database spends on Arena's messages, which the server's own figure
 * leaves out; an idle second PostgreSQL on the machine adds nothing. Null without /proc.
 */
function databaseCpuUs(): number | null {
  try {
    const ticksPerSecond = 100; // USER_HZ, 100 on every Linux Node runs on
    const processes = new Map<string, { ppid: string; own: number; children: number }>();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
        // After "(comm) ": state, ppid, ... utime, stime, cutime, cstime are fields 4, 14-17 of stat.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        processes.set(pid, {
          ppid: fields[1],
          own: Number(fields[11]) + Number(fields[12]),
          children: Number(fields[13]) + Number(fields[14]),
        });
      } catch {
        // the process ended meanwhile
      }
    }
    let ticks = 0;
    for (const { ppid, own, children } of processes.values()) ticks += own + (processes.has(ppid) ? 0 : children);
    return (ticks * 1_000_000) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** Sends a message to a server and waits for its answer's `key`. */
function ask(child: ChildProcess, message: object, key: string): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = (answer: Record<string, unknown>) => {
      if (!(key in answer)) return;
      child.off('message', listener);
      resolve(answer[key]);
    };
    child.on('message', listener);
    child.send(message);
  });
}

/** The server process's CPU time so far, in microseconds: all of it, and the kernel's part. */
function serverCpu(child: ChildProcess): Promise<{ total: number; system: number }> {
  return new Promise((resolve) => {
    const listener = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (!message.cpu) return;
      child.off('message', listener);
      resolve({ total: message.cpu.user + message.cpu.system, system: message.cpu.system });
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

async function call<T>(socket: LeanSocket, event: BenchEvent, payload: unknown): Promise<T> {
  const answer = await socket.emitWithAck<
    { ok: true; data: T } | { ok: false; error: { code: string; message: string } }
  >(event, payload);
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
