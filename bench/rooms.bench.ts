import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/protocol';
import { LeanSocket } from './lean-client';
import { adminQuery, withDatabase } from '../src/database/admin-sql';

/**
 * `npm run bench:rooms`: Arena's room runtime against three servers that store nothing, over real sockets.
 *
 * 250 rooms x 4 players of the bench game (any seat acts at any time; every action is committed, then
 * broadcast as per-viewer views). The yardsticks, each its own process, doing the same game in memory:
 * `bare` (plain Socket.IO: ack, then one ~220 B event to the room in one room broadcast), `bare-views`
 * (Socket.IO sending each seat its own full view, as Arena does), `nest` (a bare NestJS
 * `@WebSocketGateway`: the handler's return value as the ack, `server.to(room).emit`). Arena runs on a
 * fresh PostgreSQL database (created and dropped here). The servers take turns, in the same run, on
 * the same load client (this process): closed loop (each player sends its next action when the previous
 * one is acknowledged), then open loop (a fixed offered rate, 2,000 actions/s by default). Per server and
 * phase: actions/s, ack p50/p99, all-members p50/p99 (from sending an action until every member of its
 * room has an update at least as new), the server's CPU per action and its RSS. Several runs; medians.
 *
 * Environment: DATABASE_URL (admin URL of the server, default postgres://postgres@127.0.0.1:5432/postgres),
 * ROOMS (250), PLAYERS (4), RUNS (3), CLOSED_SECONDS (8), OPEN_SECONDS (8), WARMUP_SECONDS (2), OPEN_RATE (2000),
 * BENCH_CLIENT (`standard`: socket.io-client, the default; `lean`: bench/lean-client.ts, which costs the
 * load process less), BENCH_SERVERS (a comma list of arena,bare,bare-views,nest; default all),
 * ARENA_DIST (another build's dist folder to run as Arena), BENCH_BEFORE_DIST (an older build's dist folder,
 * run as one more server, `arena-before`, on its own database: before and after in the same run),
 * BENCH_NODE_ARGS (flags for the Arena processes).
 */

/** What the benchmark needs of a client socket; socket.io-client and the lean client both provide it. */
interface BenchSocket {
  emitWithAck<T>(event: string, payload: unknown): Promise<T>;
  onUpdate(handler: (update: { seq: number }) => void): void;
  close(): void;
}
/** The events this benchmark sends, from the shared protocol map. */
type BenchEvent = keyof ClientToServerEvents | 'bare:join';
interface Room {
  /** Each member's newest update seq. */
  memberSeq: number[];
  /** When the slowest member reached each seq (the newest few). */
  reached: { seq: number; at: number }[];
  /** Acknowledged actions some member has no update for yet. */
  waiting: { seq: number; sentAt: number }[];
}
interface Player {
  socket: BenchSocket;
  roomId: string;
  room: Room;
}
type ServerName = 'arena' | 'arena-before' | 'bare' | 'bare-views' | 'nest';
interface Target {
  name: ServerName;
  pid: number;
  players: Player[];
}
interface Phase {
  actions: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  allP50: number;
  allP99: number;
  /** Server CPU (user + system) per acknowledged action, microseconds. */
  cpuUs: number;
  /** Load client CPU, share of one core. */
  clientCpu: number;
  rssMiB: number;
  errors: number;
}

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROOMS = env('ROOMS', 250);
const PLAYERS = env('PLAYERS', 4);
const RUNS = env('RUNS', 3);
const CLOSED_SECONDS = env('CLOSED_SECONDS', 8);
const OPEN_SECONDS = env('OPEN_SECONDS', 8);
const WARMUP_SECONDS = env('WARMUP_SECONDS', 2);
const OPEN_RATE = env('OPEN_RATE', 2000);
const CLIENT = process.env.BENCH_CLIENT === 'lean' ? 'lean' : 'standard';
const BEFORE_DIST = process.env.BENCH_BEFORE_DIST;
const SERVERS = (process.env.BENCH_SERVERS ?? `arena,${BEFORE_DIST ? 'arena-before,' : ''}bare,bare-views,nest`).split(
  ',',
) as ServerName[];
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ARENA_DIST = process.env.ARENA_DIST ?? join(__dirname, '..');
const ACK_TIMEOUT_MS = 60_000;
const CLOCK_TICK_US = 10_000; // USER_HZ is 100 on Linux

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** A process's CPU time so far (user + system), microseconds, from /proc. */
function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_US;
}

function processRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

function startProcess(
  script: string,
  args: string[],
  extraEnv: Record<string, string>,
  readyPattern: RegExp,
): Promise<ChildProcess> {
  // Arena runs with the node flags `npm start` gives it (package.json's config.nodeFlags, set by npm run), plus BENCH_NODE_ARGS.
  const arenaArgs = `${process.env.npm_package_config_nodeFlags ?? ''} ${process.env.BENCH_NODE_ARGS ?? ''}`
    .split(' ')
    .filter(Boolean);
  const child = spawn(process.execPath, [...(script.endsWith('main.js') ? arenaArgs : []), script, ...args], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (readyPattern.test(output)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready:\n${output}`)));
  });
}

/** Connects, trying again a few times when a loaded server refuses the handshake for now. */
async function connectStandard(url: string, token?: string, attempt = 1): Promise<BenchSocket> {
  const socket: Socket<ServerToClientEvents> = io(url, {
    transports: ['websocket'],
    auth: token ? { token } : undefined,
    forceNew: true,
    reconnection: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  } catch (error) {
    socket.close();
    if (attempt >= 5) throw error;
    await sleep(500 * attempt);
    return connectStandard(url, token, attempt + 1);
  }
  return {
    // A timeout, so an ack lost with a dropped connection ends a loop instead of hanging the benchmark.
    emitWithAck: <T>(event: string, payload: unknown) =>
      (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<T> }).emitWithAck(
        event,
        payload,
      ),
    onUpdate: (handler) => socket.on('room:update', handler),
    close: () => socket.close(),
  };
}

async function connectLean(url: string, token?: string): Promise<BenchSocket> {
  const socket = await LeanSocket.connect(url, token ? { token } : undefined);
  return {
    emitWithAck: (event, payload) => socket.emitWithAck(event, payload),
    onUpdate: (handler) => socket.on('room:update', handler),
    close: () => socket.close(),
  };
}

const connect = CLIENT === 'lean' ? connectLean : connectStandard;

async function call<T>(socket: BenchSocket, event: BenchEvent, payload: unknown): Promise<T> {
  const reply = await socket.emitWithAck<{ ok: boolean; data: T; error?: unknown }>(event, payload);
  if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
  return reply.data;
}

/** Where all-members latencies go while a phase measures (null between phases). */
let allMembersSink: number[] | null = null;

const newRoom = (): Room => ({ memberSeq: new Array<number>(PLAYERS).fill(0), reached: [], waiting: [] });

/** A member's update: when the slowest member moves on, the actions it now covers have reached everyone. */
function updateArrived(room: Room, member: number, seq: number): void {
  if (seq <= room.memberSeq[member]) return;
  const before = Math.min(...room.memberSeq);
  room.memberSeq[member] = seq;
  const slowest = Math.min(...room.memberSeq);
  if (slowest === before) return;
  const at = now();
  room.reached.push({ seq: slowest, at });
  if (room.reached.length > 16) room.reached.shift();
  room.waiting = room.waiting.filter((action) => {
    if (action.seq > slowest) return true;
    allMembersSink?.push(at - action.sentAt);
    return false;
  });
}

function actionAcknowledged(room: Room, seq: number, sentAt: number): void {
  if (Math.min(...room.memberSeq) < seq) {
    room.waiting.push({ seq, sentAt });
    return;
  }
  const reached = room.reached.find((entry) => entry.seq >= seq);
  allMembersSink?.push((reached?.at ?? now()) - sentAt);
}

function follow(socket: BenchSocket, room: Room, member: number): void {
  socket.onUpdate((update) => updateArrived(room, member, update.seq));
}

let counter = 0;
const actionId = () => `b${(counter += 1).toString(36)}`;

/** Arena: guests, rooms of the bench game, seats taken, games started. */
async function setUpArena(url: string): Promise<Player[]> {
  const players: Player[] = [];
  for (let r = 0; r < ROOMS; r += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, ROOMS - r) }, async () => {
        const sockets: BenchSocket[] = [];
        for (let p = 0; p < PLAYERS; p += 1) {
          const response = await fetch(`${url}/auth/guest`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ displayName: `Bench ${counter++}` }),
          });
          const signedIn = (await response.json()) as { token: string };
          if (!response.ok) throw new Error(`sign-in failed: ${JSON.stringify(signedIn)}`);
          sockets.push(await connect(url, signedIn.token));
        }
        const created = await call<{ roomId: string }>(sockets[0], 'room:create', {
          actionId: actionId(),
          gameId: 'bench',
          seatCount: PLAYERS,
        });
        for (const socket of sockets.slice(1))
          await call(socket, 'room:join', { actionId: actionId(), roomId: created.roomId });
        await call(sockets[0], 'room:start', { actionId: actionId(), roomId: created.roomId });
        const room = newRoom();
        sockets.forEach((socket, member) => {
          follow(socket, room, member);
          players.push({ socket, roomId: created.roomId, room });
        });
      }),
    );
  }
  return players;
}

/** A yardstick: the same rooms, joined by seat. */
async function setUpBare(url: string): Promise<Player[]> {
  const players: Player[] = [];
  for (let r = 0; r < ROOMS; r += 1) {
    const roomId = `bare-${r}`;
    const room = newRoom();
    for (let p = 0; p < PLAYERS; p += 1) {
      const socket = await connect(url);
      await call(socket, 'bare:join', { roomId, seat: p, seats: PLAYERS });
      follow(socket, room, p);
      players.push({ socket, roomId, room });
    }
  }
  return players;
}

/** One action; resolves with its ack latency, or null when refused. */
const send = (player: Player): Promise<number | null> => {
  const sentAt = now();
  return player.socket
    .emitWithAck<{ ok: boolean; data?: { seq: number } }>('game:action', {
      actionId: actionId(),
      roomId: player.roomId,
      action: { type: 'bump' },
    })
    .then(
      (reply) => {
        if (!reply.ok || !reply.data) return null;
        actionAcknowledged(player.room, reply.data.seq, sentAt);
        return now() - sentAt;
      },
      () => null, // no ack in time, or the connection closed: counted as an error
    );
};

/** Latencies and the server's and the client's CPU over a measured window. */
class Window {
  readonly latencies: number[] = [];
  readonly allMembers: number[] = [];
  errors = 0;
  private began = 0;
  private serverCpu = 0;
  private clientCpu = process.cpuUsage();

  constructor(private readonly target: Target) {}

  start(): void {
    this.latencies.length = 0;
    this.allMembers.length = 0;
    this.errors = 0;
    allMembersSink = this.allMembers;
    this.began = now();
    this.serverCpu = processCpuUs(this.target.pid);
    this.clientCpu = process.cpuUsage();
  }

  record(latency: number | null): void {
    if (allMembersSink !== this.allMembers) return;
    if (latency === null) this.errors += 1;
    else this.latencies.push(latency);
  }

  stop(): Phase {
    allMembersSink = null;
    const elapsedMs = now() - this.began;
    const serverCpu = processCpuUs(this.target.pid) - this.serverCpu;
    const client = process.cpuUsage(this.clientCpu);
    const latencies = [...this.latencies].sort((a, b) => a - b);
    const allMembers = [...this.allMembers].sort((a, b) => a - b);
    return {
      actions: latencies.length,
      seconds: elapsedMs / 1000,
      rate: latencies.length / (elapsedMs / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      allP50: percentile(allMembers, 50),
      allP99: percentile(allMembers, 99),
      cpuUs: serverCpu / latencies.length,
      clientCpu: (client.user + client.system) / 1000 / elapsedMs,
      rssMiB: processRssMiB(this.target.pid),
      errors: this.errors,
    };
  }
}

/** Every player keeps one action in flight; counted after the warm-up. */
async function closedLoop(target: Target, seconds: number): Promise<Phase> {
  const window = new Window(target);
  let running = true;
  const loops = target.players.map(async (player) => {
    while (running) window.record(await send(player));
  });
  await sleep(WARMUP_SECONDS * 1000);
  window.start();
  await sleep(seconds * 1000);
  const phase = window.stop();
  running = false;
  await Promise.all(loops);
  return phase;
}

/** A fixed offered rate, whatever the acknowledgements do; the window closes when the last ack is in. */
async function openLoop(target: Target, rate: number, seconds: number): Promise<Phase> {
  const window = new Window(target);
  const pending: Promise<void>[] = [];
  let sent = 0;
  let next = 0;
  window.start();
  const began = now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (now() - began) / 1000;
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * rate) - sent;
      for (let i = 0; i < due; i += 1) {
        const player = target.players[next];
        next = (next + 1) % target.players.length;
        sent += 1;
        pending.push(send(player).then((latency) => window.record(latency)));
      }
    }, 5);
  });
  await Promise.all(pending);
  await sleep(50); // the last updates
  return window.stop();
}

const f1 = (value: number) => value.toFixed(1).padStart(6);
const fmt = (phase: Phase) =>
  `${phase.rate.toFixed(0).padStart(6)} actions/s  ${phase.cpuUs.toFixed(0).padStart(4)} us CPU/action  ` +
  `ack p50 ${f1(phase.p50)} p99 ${f1(phase.p99)} ms  all-members p50 ${f1(phase.allP50)} p99 ${f1(phase.allP99)} ms  ` +
  `RSS ${phase.rssMiB.toFixed(0)} MiB  client ${(phase.clientCpu * 100).toFixed(0)} %${phase.errors ? `  errors ${phase.errors}` : ''}`;

interface RunResult {
  closed: Partial<Record<ServerName, Phase>>;
  open: Partial<Record<ServerName, Phase>>;
}

async function main(): Promise<void> {
  const databases: string[] = [];
  const children: ChildProcess[] = [];
  const targets: Target[] = [];
  try {
    const start = async (name: ServerName): Promise<Target> => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      let child: ChildProcess;
      if (name === 'arena' || name === 'arena-before') {
        const database = `arena_bench_${process.pid}_${databases.length}`;
        databases.push(database);
        await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
        if (name === 'arena-before' && !BEFORE_DIST) throw new Error('arena-before needs BENCH_BEFORE_DIST');
        child = await startProcess(
          join(name === 'arena' ? ARENA_DIST : BEFORE_DIST!, 'src', 'main.js'),
          [],
          {
            NODE_ENV: 'development',
            ARENA_BENCH_GAME: '1',
            HOST: '127.0.0.1',
            PORT: String(port),
            DATABASE_URL: withDatabase(ADMIN_URL, database),
            LOG_LEVEL: 'error',
            THROTTLE_USER_LIMIT: '100000000',
            THROTTLE_IP_LIMIT: '100000000',
            THROTTLE_AUTH_LIMIT: '100000000',
          },
          /listening on/,
        );
      } else if (name === 'nest') {
        child = await startProcess(join(__dirname, 'bare-nest.js'), [String(port)], {}, /BARE_READY \d+/);
      } else {
        const mode = name === 'bare' ? 'plain' : 'views';
        child = await startProcess(join(__dirname, 'bare-server.js'), [String(port), mode], {}, /BARE_READY \d+/);
      }
      children.push(child);
      const target: Target = { name, pid: child.pid!, players: [] };
      targets.push(target);
      process.stdout.write(`Setting up ${ROOMS} rooms x ${PLAYERS} players on ${name} (${url})...\n`);
      target.players = name.startsWith('arena') ? await setUpArena(url) : await setUpBare(url);
      return target;
    };
    for (const name of SERVERS) await start(name);
    process.stdout.write(
      `Load client: ${CLIENT === 'lean' ? 'the lean client (bench/lean-client.ts)' : 'socket.io-client'}, one connection per player\n`,
    );

    const results: RunResult[] = [];
    for (let run = 1; run <= RUNS; run += 1) {
      const result: RunResult = { closed: {}, open: {} };
      // Each run starts with the next server, so none always runs first (or right after Arena).
      const turn = [...targets.slice((run - 1) % targets.length), ...targets.slice(0, (run - 1) % targets.length)];
      for (const target of turn) {
        result.closed[target.name] = await closedLoop(target, CLOSED_SECONDS);
        process.stdout.write(`run ${run} closed loop ${target.name.padEnd(10)} ${fmt(result.closed[target.name]!)}\n`);
      }
      for (const target of turn) {
        result.open[target.name] = await openLoop(target, OPEN_RATE, OPEN_SECONDS);
        process.stdout.write(
          `run ${run} open ${OPEN_RATE}/s ${target.name.padEnd(10)} ${fmt(result.open[target.name]!)}\n`,
        );
      }
      results.push(result);
    }

    const pick = (f: (r: RunResult) => number | undefined) => median(results.map((r) => f(r) ?? NaN));
    const line = (phase: 'closed' | 'open', name: ServerName) => {
      const m = (f: (p: Phase) => number) => pick((r) => (r[phase][name] ? f(r[phase][name]) : undefined));
      return (
        `  ${name.padEnd(10)} ${m((p) => p.rate)
          .toFixed(0)
          .padStart(6)} actions/s  ${m((p) => p.cpuUs)
          .toFixed(0)
          .padStart(4)} us CPU/action  ` +
        `ack p50 ${f1(m((p) => p.p50))} p99 ${f1(m((p) => p.p99))} ms  all-members p50 ${f1(m((p) => p.allP50))} p99 ${f1(m((p) => p.allP99))} ms  ` +
        `RSS ${m((p) => p.rssMiB).toFixed(0)} MiB\n`
      );
    };
    const ratio = (name: ServerName) =>
      pick((r) => (r.closed.arena && r.closed[name] ? r.closed.arena.rate / r.closed[name].rate : undefined)).toFixed(
        2,
      );
    let out = `\nMedians of ${RUNS} runs (${ROOMS} rooms x ${PLAYERS} players, ${CLIENT === 'lean' ? 'lean client' : 'socket.io-client'}, closed ${CLOSED_SECONDS}s, open ${OPEN_SECONDS}s at ${OPEN_RATE}/s):\n`;
    out += ` closed loop:\n${targets.map((t) => line('closed', t.name)).join('')}`;
    out += ` open loop at ${OPEN_RATE}/s:\n${targets.map((t) => line('open', t.name)).join('')}`;
    if (SERVERS.includes('arena')) {
      out += ' Arena / yardstick, closed-loop actions/s (per run, median):';
      for (const name of SERVERS.filter((n) => n !== 'arena')) out += ` ${name} ${ratio(name)}x`;
      out += `\n Targets: above nest (> 1.00x), at least 0.60x bare; open-loop ack p99 <= 25 ms (Arena: ${pick((r) => r.open.arena?.p99).toFixed(1)} ms)\n`;
    }
    process.stdout.write(out);
  } finally {
    for (const target of targets) for (const player of target.players) player.socket.close();
    for (const child of children) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(15_000)]);
    }
    for (const database of databases)
      await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
