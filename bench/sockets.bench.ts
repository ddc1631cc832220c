/**
 * `npm run bench:sockets`: memory per socket and the join rate, Arena against a bare Socket.IO server.
 *
 * Arena runs as its own process (bench/sockets-arena.ts, npm start's node flags plus --expose-gc, so the
 * bench can force a collection before it reads memory) on a fresh database of the PostgreSQL named by
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; dropped afterwards). SOCKETS guests
 * (20,000) sign in over REST before the storm; the base RSS and heap are read then. In the storm each guest
 * connects with the standard socket.io-client (websocket, its own connection) and takes a seat as players
 * do: in each group of 4, the first creates a room of the bench game and the other three join it
 * (BENCH_SEAT=quick: every player asks for a quick match instead). Players start at up to RATE (1,000) a
 * second, with at most INFLIGHT (200) joins under way at once. A join is timed from the start of the
 * connection to the seat's ack. After the storm, with every socket still connected, Arena collects its
 * garbage and reports RSS and heap; per socket is (after - base) / SOCKETS.
 *
 * The yardstick, in the same run and from the same clients once Arena's sockets are closed: a bare
 * Socket.IO server (bench/sockets-bare.ts: no database, no framework) where each socket joins its room
 * and a seat room with an ack; same rate, same counts, same memory reading.
 *
 * The load runs in CLIENTS (4) child processes (`--clients`), each from its own 127.0.0.x source address
 * (the ephemeral port range allows about 28,000 connections per source address); npm's script raises the
 * open-file limit first. BENCH_HEAP_SNAPSHOT=<dir> writes Arena's heap snapshots before and after the storm
 * there and prints the largest growth by constructor.
 *
 * Knobs: SOCKETS, RATE, INFLIGHT, CLIENTS, BENCH_SEAT (create|quick), BENCH_BARE=0 (skip the yardstick),
 * BENCH_NODE_ARGS (more flags for Arena's node), DATABASE_POOL_SIZE and ROOM_CACHE_SIZE (passed to Arena).
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { adminQuery, withDatabase } from '../src/database/admin-sql';
import { runMigrations } from '../src/database/migrate';
import type { ClientToServerEvents } from '../src/protocol';
import type { Memory, ProbeRequest } from './server-probe';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** The open-file limit of this process (and so of the servers it forks), from /proc; Infinity where it cannot tell. */
function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s+/)[3]);
    return Number.isFinite(soft) ? soft : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
const TARGET_SOCKETS = 20_000;
/** 20,000, or fewer where the server's open-file limit (one descriptor a socket, plus its pool and files) is lower. */
const SOCKETS = env('SOCKETS', Math.min(TARGET_SOCKETS, openFileLimit() - 200));
const RATE = env('RATE', 1000);
const INFLIGHT = env('INFLIGHT', 200);
const CLIENTS = env('CLIENTS', 4);
const SEAT_MODE = process.env.BENCH_SEAT === 'quick' ? 'quick' : 'create';
const BARE = env('BENCH_BARE', 1) !== 0;
const SNAPSHOTS = process.env.BENCH_HEAP_SNAPSHOT;
const GROUP = 4;
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The events this benchmark sends: the shared protocol map's, and the bare server's join. */
type BenchEvent = keyof ClientToServerEvents | 'bare:join';

/** One client process's share of the storm. */
interface ClientJob {
  url: string;
  target: 'arena' | 'bare';
  localAddress: string;
  /** Tokens of this share's players, in groups of GROUP (Arena); empty for the bare server. */
  tokens: string[];
  count: number;
  /** The global index of this share's first group, for the bare server's room names. */
  firstGroup: number;
  rate: number;
  inflight: number;
}

interface ClientReport {
  joined: number;
  errors: string[];
  latencies: number[];
  connectLatencies: number[];
  /** performance.timeOrigin + now() of the first start and the last seat, ms. */
  began: number;
  ended: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const log = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------- the load (child processes)

async function runClients(): Promise<void> {
  const job = await new Promise<ClientJob>((resolve) => process.once('message', resolve));
  const sockets: ClientSocket[] = [];
  const report: ClientReport = { joined: 0, errors: [], latencies: [], connectLatencies: [], began: 0, ended: 0 };
  let actions = 0;
  const actionId = () => `s${process.pid}-${(actions += 1).toString(36)}`;

  const call = async <T>(socket: ClientSocket, event: BenchEvent, payload: unknown): Promise<T> => {
    const reply = (await socket.timeout(60_000).emitWithAck(event, payload)) as {
      ok: boolean;
      data: T;
      error?: unknown;
    };
    if (!reply.ok) throw new Error(`${event}: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };

  const connect = (token: string | undefined) =>
    new Promise<ClientSocket>((resolve, reject) => {
      const socket = connectClient(job.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: 60_000,
        localAddress: job.localAddress,
        ...(token ? { auth: { token } } : {}),
      } as Parameters<typeof connectClient>[1]);
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(error));
    });

  // Each group's room, once its first player has created it (Arena, create mode); its joiners wait for it.
  const rooms = new Map<number, { roomId: Promise<string>; settle: (roomId: string | Error) => void }>();
  const room = (group: number) => {
    let entry = rooms.get(group);
    if (!entry) {
      let settle!: (roomId: string | Error) => void;
      const roomId = new Promise<string>((resolve, reject) => {
        settle = (value) => (value instanceof Error ? reject(value) : resolve(value));
      });
      roomId.catch(() => undefined);
      entry = { roomId, settle };
      rooms.set(group, entry);
    }
    return entry;
  };
  const seat = async (index: number, socket: ClientSocket): Promise<void> => {
    const group = Math.floor(index / GROUP);
    const position = index % GROUP;
    if (job.target === 'bare') {
      await call(socket, 'bare:join', { roomId: `g${job.firstGroup + group}`, seat: position });
      return;
    }
    if (SEAT_MODE === 'quick') {
      await call(socket, 'lobby:quick-match', { actionId: actionId(), gameId: 'bench' });
      return;
    }
    if (position === 0) {
      const created = await call<{ roomId: string }>(socket, 'room:create', {
        actionId: actionId(),
        gameId: 'bench',
        seatCount: GROUP,
      });
      room(group).settle(created.roomId);
      return;
    }
    await call(socket, 'room:join', { actionId: actionId(), roomId: await room(group).roomId });
  };

  let running = 0;
  const waiting: Array<() => void> = [];
  const started = now();
  report.began = started;
  const players: Promise<void>[] = [];
  for (let index = 0; index < job.count; index += 1) {
    // Paced: player i starts no earlier than i / rate seconds in, and only while fewer than `inflight` are under way.
    const due = started + (index * 1000) / job.rate;
    if (due > now()) await sleep(due - now());
    while (running >= job.inflight) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    const begin = now();
    players.push(
      (async () => {
        try {
          const socket = await connect(job.tokens[index]);
          report.connectLatencies.push(now() - begin);
          await seat(index, socket);
          report.latencies.push(now() - begin);
          report.joined += 1;
          report.ended = now();
        } catch (error) {
          // A creator that failed leaves its group's joiners nothing to join.
          if (index % GROUP === 0) room(Math.floor(index / GROUP)).settle(error as Error);
          if (report.errors.length < 5) report.errors.push(String((error as Error).message ?? error));
          else report.errors.push('');
        } finally {
          running -= 1;
          waiting.shift()?.();
        }
      })(),
    );
  }
  await Promise.all(players);
  process.send!({ report });
  await new Promise((resolve) => process.once('message', resolve)); // close
  for (const socket of sockets) socket.close();
  process.send!({ closed: true });
}

// ---------------------------------------------------------------- the parent

function startServer(script: string, extraEnv: Record<string, string>, execArgv: string[]) {
  const child = fork(join(__dirname, script), [], {
    env: { ...process.env, ...extraEnv },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<{ child: ChildProcess; port: number }>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, request: ProbeRequest, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off('message', listener);
      resolve(message[key] as T);
    };
    child.on('message', listener);
    child.send(request);
  });
}

/** Signs in `count` guests over REST, `concurrency` at a time; their tokens, in order. */
async function signIn(url: string, count: number, concurrency = 64): Promise<string[]> {
  const tokens: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const response = await fetch(`${url}/auth/guest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ displayName: `Guest ${index}` }),
        });
        const body = (await response.json()) as { token: string };
        if (!response.ok) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
        tokens[index] = body.token;
      }
    }),
  );
  return tokens;
}

interface Storm {
  joined: number;
  errors: string[];
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  connectP50: number;
  connectP99: number;
  clients: ChildProcess[];
}

/** The storm against one server: CLIENTS processes, whole groups each, from their own source addresses. */
async function storm(url: string, target: 'arena' | 'bare', tokens: string[], addressBase: number): Promise<Storm> {
  const groups = Math.ceil(SOCKETS / GROUP);
  const clients: ChildProcess[] = [];
  const reports: Promise<ClientReport>[] = [];
  let firstGroup = 0;
  for (let k = 0; k < CLIENTS; k += 1) {
    const share = Math.floor(groups / CLIENTS) + (k < groups % CLIENTS ? 1 : 0);
    const from = firstGroup * GROUP;
    const count = Math.min(SOCKETS, (firstGroup + share) * GROUP) - from;
    const child = fork(__filename, ['--clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    clients.push(child);
    reports.push(
      new Promise((resolve, reject) => {
        child.on('message', (message: { report?: ClientReport }) => message.report && resolve(message.report));
        child.once('exit', (code) => reject(new Error(`a client process exited with ${code}`)));
      }),
    );
    const job: ClientJob = {
      url,
      target,
      localAddress: `127.0.${addressBase}.${k + 1}`,
      tokens: target === 'arena' ? tokens.slice(from, from + count) : [],
      count,
      firstGroup,
      rate: (RATE * count) / SOCKETS,
      inflight: Math.max(1, Math.round((INFLIGHT * count) / SOCKETS)),
    };
    child.send(job);
    firstGroup += share;
  }
  const done = await Promise.all(reports);
  const latencies = done.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const connects = done.flatMap((r) => r.connectLatencies).sort((a, b) => a - b);
  const joined = done.reduce((sum, r) => sum + r.joined, 0);
  const seconds = (Math.max(...done.map((r) => r.ended)) - Math.min(...done.map((r) => r.began))) / 1000;
  const errors = done.flatMap((r) => r.errors);
  return {
    joined,
    errors,
    seconds,
    rate: joined / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    connectP50: percentile(connects, 50),
    connectP99: percentile(connects, 99),
    clients,
  };
}

async function closeClients(clients: ChildProcess[]): Promise<void> {
  await Promise.all(
    clients.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.on('message', (message: { closed?: boolean }) => message.closed && resolve());
          child.send({ close: true });
        }),
    ),
  );
  for (const child of clients) child.kill();
}

interface Measured {
  base: Memory;
  after: Memory;
  storm: Storm;
}

const fmtStorm = (s: Storm) =>
  `${s.joined} seated in ${s.seconds.toFixed(1)} s: ${s.rate.toFixed(0)} joins/s; join p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms ` +
  `(of which connect p50 ${s.connectP50.toFixed(1)} ms, p99 ${s.connectP99.toFixed(1)} ms)` +
  (s.errors.length ? `; ${s.errors.length} errors, e.g. ${s.errors.filter(Boolean).slice(0, 3).join(' | ')}` : '');

const fmtMemory = (m: Measured) => {
  const n = Math.max(1, m.after.sockets);
  return (
    `base RSS ${mib(m.base.rss)} MiB (heap ${mib(m.base.heapUsed)} MiB); with ${m.after.sockets} sockets RSS ${mib(m.after.rss)} MiB, ` +
    `heap ${mib(m.after.heapUsed)} MiB used of ${mib(m.after.heapTotal)}, external ${mib(m.after.external)} MiB; ` +
    `per socket: RSS ${kib((m.after.rss - m.base.rss) / n)} KiB, heap ${kib((m.after.heapUsed - m.base.heapUsed) / n)} KiB, ` +
    `external ${kib((m.after.external - m.base.external) / n)} KiB`
  );
};

async function measure(
  name: string,
  server: { child: ChildProcess; port: number },
  tokens: string[],
  addressBase: number,
): Promise<Measured> {
  const url = `http://127.0.0.1:${server.port}`;
  const base = await ask<Memory>(server.child, { memory: true }, 'memory');
  if (name === 'Arena') await ask(server.child, { statements: true }, 'statements');
  if (SNAPSHOTS && name === 'Arena') await snapshot(server.child, join(SNAPSHOTS, 'arena-base.heapsnapshot'));
  log(`${name}: storm of ${SOCKETS} at up to ${RATE}/s, ${INFLIGHT} in flight...`);
  const result = await storm(url, name === 'Arena' ? 'arena' : 'bare', tokens, addressBase);
  // Let the joins' aftermath (publishes, presence work) finish before memory is read.
  await sleep(3000);
  const after = await ask<Memory>(server.child, { memory: true }, 'memory');
  if (name === 'Arena') printStatements(await ask(server.child, { statements: true }, 'statements'), result.joined);
  if (SNAPSHOTS && name === 'Arena') await snapshot(server.child, join(SNAPSHOTS, 'arena-after.heapsnapshot'));
  await closeClients(result.clients);
  const measured = { base, after, storm: result };
  log(`${name}: ${fmtStorm(result)}`);
  log(`${name}: ${fmtMemory(measured)}`);
  return measured;
}

function printStatements(counted: Record<string, number>, joined: number): void {
  const rows = Object.entries(counted).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  log(
    `Arena: ${(total / Math.max(1, joined)).toFixed(2)} SQL statements per seated socket in the storm (and the 3 s after):`,
  );
  for (const [text, n] of rows.slice(0, 15)) log(`  ${(n / Math.max(1, joined)).toFixed(2).padStart(6)}  ${text}`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ stop: true });
  await Promise.race([exited, sleep(15_000)]);
}

async function snapshot(child: ChildProcess, path: string): Promise<void> {
  const written = await ask<string>(child, { snapshot: path }, 'snapshot');
  log(`heap snapshot: ${written}`);
}

/** Self size and count by constructor (or node type) of a heap snapshot. */
async function summarise(path: string): Promise<Map<string, { size: number; count: number }>> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path)) chunks.push(chunk as Buffer);
  const data = JSON.parse(Buffer.concat(chunks).toString()) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byName = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < data.nodes.length; i += fields.length) {
    const type = types[data.nodes[i + typeAt]];
    const key = type === 'object' || type === 'closure' ? data.strings[data.nodes[i + nameAt]] : `(${type})`;
    const entry = byName.get(key) ?? { size: 0, count: 0 };
    entry.size += data.nodes[i + sizeAt];
    entry.count += 1;
    byName.set(key, entry);
  }
  return byName;
}

async function printSnapshotGrowth(sockets: number): Promise<void> {
  const before = await summarise(join(SNAPSHOTS!, 'arena-base.heapsnapshot'));
  const after = await summarise(join(SNAPSHOTS!, 'arena-after.heapsnapshot'));
  const growth = [...after].map(([name, a]) => {
    const b = before.get(name) ?? { size: 0, count: 0 };
    return { name, size: a.size - b.size, count: a.count - b.count };
  });
  growth.sort((x, y) => y.size - x.size);
  log(`Arena heap growth by constructor, per socket (${sockets} sockets):`);
  for (const g of growth.slice(0, 30))
    log(
      `  ${(g.size / sockets).toFixed(0).padStart(6)} B  ${(g.count / sockets).toFixed(2).padStart(6)} objects  ${g.name}`,
    );
}

async function main(): Promise<void> {
  const database = `arena_bench_sockets_${process.pid}`;
  const databaseUrl = withDatabase(ADMIN_URL, database);
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
  const servers: ChildProcess[] = [];
  try {
    await runMigrations(databaseUrl);
    // Arena runs with the node flags `npm start` gives it (package.json's config.nodeFlags, set by npm run).
    const nodeFlags = `${process.env.npm_package_config_nodeFlags ?? ''} ${process.env.BENCH_NODE_ARGS ?? ''}`
      .split(' ')
      .filter(Boolean);
    const arena = await startServer(
      'sockets-arena.js',
      { BENCH_DATABASE_URL: databaseUrl, BENCH_SOCKETS: String(SOCKETS) },
      [...nodeFlags, '--expose-gc'],
    );
    servers.push(arena.child);
    const url = `http://127.0.0.1:${arena.port}`;
    if (process.env.SOCKETS === undefined && SOCKETS < TARGET_SOCKETS)
      log(
        `The open-file limit here is ${openFileLimit()} (ulimit -n could not raise it): ${SOCKETS} sockets, not ${TARGET_SOCKETS}.`,
      );
    log(
      `Arena on ${url} (node ${[...nodeFlags, '--expose-gc'].join(' ')}), database ${database}; ` +
        `${SOCKETS} sockets from ${CLIENTS} client processes, seats by ${SEAT_MODE === 'quick' ? 'quick match' : 'create and join in groups of 4'}`,
    );
    const signInStart = now();
    const tokens = await signIn(url, SOCKETS);
    log(`${SOCKETS} guests signed in over REST in ${((now() - signInStart) / 1000).toFixed(1)} s`);
    const arenaResult = await measure('Arena', arena, tokens, 1);
    if (SNAPSHOTS) await printSnapshotGrowth(arenaResult.after.sockets);
    await stopServer(arena.child);

    let bareResult: Measured | null = null;
    if (BARE) {
      const bare = await startServer('sockets-bare.js', {}, ['--expose-gc']);
      servers.push(bare.child);
      bareResult = await measure('bare', bare, [], 2);
    }

    const a = arenaResult;
    log(`\nSummary (${SOCKETS} sockets, up to ${RATE}/s, ${INFLIGHT} in flight, seats by ${SEAT_MODE}):`);
    log(`  Arena: ${fmtMemory(a)}`);
    log(`         ${fmtStorm(a.storm)}`);
    const projected = a.base.rss + ((a.after.rss - a.base.rss) / Math.max(1, a.after.sockets)) * TARGET_SOCKETS;
    log(
      `  RSS with ${a.after.sockets} sockets: ${mib(a.after.rss)} MiB` +
        (a.after.sockets < TARGET_SOCKETS
          ? `; for ${TARGET_SOCKETS} at the same cost per socket: ${mib(projected)} MiB`
          : '') +
        ' (target <= 512 MiB for 20,000)',
    );
    if (bareResult) {
      log(`  bare:  ${fmtMemory(bareResult)}`);
      log(`         ${fmtStorm(bareResult.storm)}`);
      log(`  joins/s Arena/bare: ${(a.storm.rate / bareResult.storm.rate).toFixed(2)}x (target >= 0.50x)`);
    }
  } finally {
    for (const child of servers) if (child.exitCode === null) child.kill('SIGTERM');
    await sleep(500);
    await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }
}

const mode = process.argv[2];
// A child whose parent has gone (killed, crashed) stops too, rather than holding its sockets.
if (mode !== undefined) process.once('disconnect', () => process.exit(0));
(mode === '--clients' ? runClients() : main()).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
