import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ClientToServerEvents } from '../src/protocol';
import type { ChshItem } from '../src/games/domain/chsh/chsh.types';
import { adminQuery, withDatabase } from '../src/database/admin-sql';
import { LeanSocket } from './lean-client';

/**
 * `npm run bench:chsh`: one CHSH session of 100 teams of two, every player answering its item as soon as it
 * is pushed (a closed loop: a player's next answer waits for its round, which opens when both partners
 * answered the last). Measures answers acknowledged per second and the ack latency, the host dashboard's
 * update rate (throttled to at most 2/s), and, in the same run, the room benchmark's bare Socket.IO
 * baseline (bench/bare-server.ts: 100 rooms x 2 players, each action acknowledged and broadcast as
 * per-viewer views) in a closed loop. Arena runs as its own process on a fresh database (created and
 * dropped here); several runs; medians are printed.
 *
 * Environment: DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres), TEAMS (100),
 * RUNS (3), SECONDS (8), WARMUP_SECONDS (2).
 */

type BenchEvent = keyof ClientToServerEvents | 'bare:join';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TEAMS = env('TEAMS', 100);
const RUNS = env('RUNS', 3);
const SECONDS = env('SECONDS', 8);
const WARMUP_SECONDS = env('WARMUP_SECONDS', 2);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (ns: bigint) => Number(ns) / 1e6;

interface Phase {
  acks: number;
  rate: number;
  p50: number;
  p99: number;
  errors: number;
}

interface ChshPlayer {
  socket: LeanSocket;
  /** Rounds pushed to this player (its own item), not answered yet. */
  rounds: Array<{ round: number; item: ChshItem }>;
  wake: (() => void) | null;
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

function startProcess(script: string, args: string[], extraEnv: Record<string, string>, ready: RegExp) {
  const arenaArgs = `${process.env.npm_package_config_nodeFlags ?? ''} ${process.env.BENCH_NODE_ARGS ?? ''}`
    .split(' ')
    .filter(Boolean);
  const child = spawn(process.execPath, [...(script.endsWith('main.js') ? arenaArgs : []), script, ...args], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<ChildProcess>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready:\n${output}`)));
  });
}

async function call<T>(socket: LeanSocket, event: BenchEvent, payload: unknown): Promise<T> {
  const reply = await socket.emitWithAck<{ ok: boolean; data: T; error?: unknown }>(event, payload);
  if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
  return reply.data;
}

let counter = 0;
const actionId = () => `c${(counter += 1).toString(36)}`;

async function guest(url: string): Promise<LeanSocket> {
  const response = await fetch(`${url}/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: `Student ${counter++}` }),
  });
  const signedIn = (await response.json()) as { token: string };
  if (!response.ok) throw new Error(`sign-in failed: ${JSON.stringify(signedIn)}`);
  return LeanSocket.connect(url, { token: signedIn.token });
}

function chshPlayer(socket: LeanSocket): ChshPlayer {
  const player: ChshPlayer = { socket, rounds: [], wake: null };
  socket.on('chsh:round', (pushed: { round: number; item: ChshItem }) => {
    player.rounds.push(pushed);
    player.wake?.();
  });
  return player;
}

/** The session: a seatless host, its teams formed ten at a time; the dashboard's updates are timed. */
async function setUpSession(url: string) {
  const host = await guest(url);
  const dashboard: number[] = [];
  host.on('chsh:dashboard', () => dashboard.push(Date.now()));
  const { roomId } = await call<{ roomId: string }>(host, 'room:create', {
    actionId: actionId(),
    gameId: 'chsh',
    seat: false,
  });
  const players: ChshPlayer[] = [];
  for (let t = 0; t < TEAMS; t += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, TEAMS - t) }, async (_, i) => {
        const [first, second] = [chshPlayer(await guest(url)), chshPlayer(await guest(url))];
        const team = await call<{ teamId: string }>(first.socket, 'team:create', {
          actionId: actionId(),
          sessionId: roomId,
          name: `Team ${t + i + 1}`,
        });
        await call(second.socket, 'team:join', { actionId: actionId(), teamId: team.teamId });
        players.push(first, second);
      }),
    );
  }
  await call(host, 'chsh:start', { actionId: actionId(), sessionId: roomId });
  return { host, roomId, players, dashboard };
}

/**
 * Runs `step` for every player over and over until the window closes; the steps taken after the warm-up
 * count. A step answers its ack's latency and whether it succeeded, or null when it had nothing to send.
 */
async function closedLoop<T>(
  players: T[],
  seconds: number,
  step: (player: T) => Promise<{ ms: number; ok: boolean } | null>,
): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let running = true;
  const loops = players.map(async (player) => {
    while (running) {
      const done = await step(player);
      if (!done || !measuring) continue;
      if (done.ok) latencies.push(done.ms);
      else errors += 1;
    }
  });
  await sleep(WARMUP_SECONDS * 1000);
  measuring = true;
  const began = process.hrtime.bigint();
  await sleep(seconds * 1000);
  measuring = false;
  const elapsed = ms(process.hrtime.bigint() - began) / 1000;
  running = false;
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  return {
    acks: latencies.length,
    rate: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

/** Each player answers every round pushed to it. */
function chshClosedLoop(sessionId: string, players: ChshPlayer[], seconds: number): Promise<Phase> {
  return closedLoop(players, seconds, async (player) => {
    const next = player.rounds.shift();
    if (!next) {
      await new Promise<void>((resolve) => {
        player.wake = resolve;
        setTimeout(resolve, 200);
      });
      player.wake = null;
      return null;
    }
    const start = process.hrtime.bigint();
    const reply = await player.socket.emitWithAck<{ ok: boolean }>('chsh:answer', {
      actionId: actionId(),
      sessionId,
      round: next.round,
      item: next.item,
      answer: Math.random() < 0.5,
    });
    return { ms: ms(process.hrtime.bigint() - start), ok: reply.ok };
  });
}

/** The room benchmark's baseline: bare Socket.IO rooms of two, each player keeping one action in flight. */
function bareClosedLoop(players: Array<{ socket: LeanSocket; roomId: string }>, seconds: number): Promise<Phase> {
  return closedLoop(players, seconds, async ({ socket, roomId }) => {
    const start = process.hrtime.bigint();
    await socket.emitWithAck('game:action', { actionId: actionId(), roomId, action: { type: 'bump' } });
    return { ms: ms(process.hrtime.bigint() - start), ok: true };
  });
}

/** Dashboard updates in a window: per second on average, and the most in any one second. */
function dashboardRate(times: number[], from: number, to: number) {
  const inside = times.filter((at) => at >= from && at <= to);
  let most = 0;
  for (let i = 0; i < inside.length; i += 1) {
    let j = i;
    while (j < inside.length && inside[j] - inside[i] < 1000) j += 1;
    most = Math.max(most, j - i);
  }
  return { perSecond: inside.length / ((to - from) / 1000), most };
}

const fmt = (phase: Phase) =>
  `${phase.rate.toFixed(0).padStart(6)} acks/s  p50 ${phase.p50.toFixed(1).padStart(6)} ms  p99 ${phase.p99.toFixed(1).padStart(6)} ms${phase.errors ? `  errors ${phase.errors}` : ''}`;

async function main(): Promise<void> {
  const database = `arena_bench_chsh_${process.pid}`;
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
  const children: ChildProcess[] = [];
  const sockets: LeanSocket[] = [];
  try {
    const arenaPort = await freePort();
    children.push(
      await startProcess(
        join(__dirname, '..', 'src', 'main.js'),
        [],
        {
          NODE_ENV: 'development',
          HOST: '127.0.0.1',
          PORT: String(arenaPort),
          DATABASE_URL: withDatabase(ADMIN_URL, database),
          LOG_LEVEL: 'error',
          THROTTLE_USER_LIMIT: '100000000',
          THROTTLE_IP_LIMIT: '100000000',
          THROTTLE_AUTH_LIMIT: '100000000',
        },
        /listening on/,
      ),
    );
    const barePort = await freePort();
    children.push(await startProcess(join(__dirname, 'bare-server.js'), [String(barePort)], {}, /BARE_READY \d+/));
    const arenaUrl = `http://127.0.0.1:${arenaPort}`;
    const bareUrl = `http://127.0.0.1:${barePort}`;

    process.stdout.write(`Setting up one CHSH session of ${TEAMS} teams of two on Arena (${arenaUrl})...\n`);
    const session = await setUpSession(arenaUrl);
    sockets.push(session.host, ...session.players.map((player) => player.socket));
    const bare: Array<{ socket: LeanSocket; roomId: string }> = [];
    for (let r = 0; r < TEAMS; r += 1) {
      for (let seat = 0; seat < 2; seat += 1) {
        const socket = await LeanSocket.connect(bareUrl);
        await call(socket, 'bare:join', { roomId: `bare-${r}`, seat, seats: 2 });
        bare.push({ socket, roomId: `bare-${r}` });
      }
    }
    sockets.push(...bare.map((player) => player.socket));

    const results: Array<{ arena: Phase; bare: Phase; dashboard: ReturnType<typeof dashboardRate> }> = [];
    for (let run = 1; run <= RUNS; run += 1) {
      const from = Date.now();
      const arena = await chshClosedLoop(session.roomId, session.players, SECONDS);
      const dashboard = dashboardRate(session.dashboard, from, Date.now());
      const baseline = await bareClosedLoop(bare, SECONDS);
      results.push({ arena, bare: baseline, dashboard });
      process.stdout.write(
        `run ${run}: CHSH answers ${fmt(arena)}   dashboard ${dashboard.perSecond.toFixed(2)}/s (most in one second: ${dashboard.most})\n` +
          `       bare Socket.IO ${fmt(baseline)}   ratio ${(arena.rate / baseline.rate).toFixed(2)}x\n`,
      );
    }
    const pick = (f: (r: (typeof results)[number]) => number) => median(results.map(f));
    process.stdout.write(
      `\nMedians of ${RUNS} runs (${TEAMS} teams x 2 players, ${SECONDS}s closed loop after ${WARMUP_SECONDS}s warm-up):\n` +
        `  CHSH answers: ${pick((r) => r.arena.rate).toFixed(0)} acks/s (p50 ${pick((r) => r.arena.p50).toFixed(1)} ms, p99 ${pick((r) => r.arena.p99).toFixed(1)} ms)\n` +
        `  bare Socket.IO (room benchmark's baseline, ${TEAMS} rooms x 2): ${pick((r) => r.bare.rate).toFixed(0)} acks/s (p50 ${pick((r) => r.bare.p50).toFixed(1)} ms, p99 ${pick((r) => r.bare.p99).toFixed(1)} ms)\n` +
        `  ratio CHSH/bare: ${pick((r) => r.arena.rate / r.bare.rate).toFixed(2)}x\n` +
        `  dashboard: ${pick((r) => r.dashboard.perSecond).toFixed(2)} updates/s, at most ${Math.max(...results.map((r) => r.dashboard.most))} in any one second (limit 2)\n`,
    );
  } finally {
    for (const socket of sockets) socket.close();
    for (const child of children) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(15_000)]);
    }
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
