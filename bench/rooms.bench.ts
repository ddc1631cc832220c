import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ClientToServerEvents } from '../src/protocol';
import { LeanSocket } from './lean-client';
import { adminQuery, withDatabase } from '../src/database/admin-sql';

/**
 * `npm run bench:rooms`: Arena's room runtime against a bare Socket.IO server, over real sockets.
 *
 * 250 rooms x 4 players of the bench game (any seat acts at any time; every action is committed, then
 * broadcast as per-viewer views). Phases: closed loop (each player sends its next action when the
 * previous one is acknowledged) and open loop (a fixed offered rate, 2,000 actions/s by default).
 * Arena runs as its own process on a fresh PostgreSQL database (created and dropped here); the bare
 * server as another process; the load runs in this one. Several runs; medians are printed.
 *
 * Environment: DATABASE_URL (admin URL of the server, default postgres://postgres@127.0.0.1:5432/postgres),
 * ROOMS (250), PLAYERS (4), RUNS (3), CLOSED_SECONDS (8), OPEN_SECONDS (8), WARMUP_SECONDS (2), OPEN_RATE (2000).
 */

type BenchSocket = LeanSocket;
/** The events this benchmark sends, from the shared protocol map. */
type BenchEvent = keyof ClientToServerEvents | 'bare:join';
interface Player {
  socket: BenchSocket;
  roomId: string;
}
interface Phase {
  actions: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
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
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (ns: bigint) => Number(ns) / 1e6;

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

function connect(url: string, token?: string): Promise<BenchSocket> {
  return LeanSocket.connect(url, token ? { token } : undefined);
}

async function call<T>(socket: BenchSocket, event: BenchEvent, payload: unknown): Promise<T> {
  const reply = await socket.emitWithAck<{ ok: boolean; data: T; error?: unknown }>(event, payload);
  if (!reply.ok) throw new Error(`${event} failed: ${JSON.stringify(reply.error)}`);
  return reply.data;
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
        const room = await call<{ roomId: string }>(sockets[0], 'room:create', {
          actionId: actionId(),
          gameId: 'bench',
          seatCount: PLAYERS,
        });
        for (const socket of sockets.slice(1))
          await call(socket, 'room:join', { actionId: actionId(), roomId: room.roomId });
        await call(sockets[0], 'room:start', { actionId: actionId(), roomId: room.roomId });
        for (const socket of sockets) players.push({ socket, roomId: room.roomId });
      }),
    );
  }
  return players;
}

async function setUpBare(url: string): Promise<Player[]> {
  const players: Player[] = [];
  for (let r = 0; r < ROOMS; r += 1) {
    const roomId = `bare-${r}`;
    for (let p = 0; p < PLAYERS; p += 1) {
      const socket = await connect(url);
      await call(socket, 'bare:join', { roomId, seat: p, seats: PLAYERS });
      players.push({ socket, roomId });
    }
  }
  return players;
}

const send = (player: Player): Promise<boolean> =>
  player.socket
    .emitWithAck<{ ok: boolean }>('game:action', {
      actionId: actionId(),
      roomId: player.roomId,
      action: { type: 'bump' },
    })
    .then((reply) => reply.ok);

/** Every player keeps one action in flight; counted after the warm-up. */
async function closedLoop(players: Player[], seconds: number): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let running = true;
  const loops = players.map(async (player) => {
    while (running) {
      const start = process.hrtime.bigint();
      const ok = await send(player);
      if (!measuring) continue;
      if (ok) latencies.push(ms(process.hrtime.bigint() - start));
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
    actions: latencies.length,
    seconds: elapsed,
    rate: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

/** A fixed offered rate, whatever the acknowledgements do. */
async function openLoop(players: Player[], rate: number, seconds: number): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const tickMs = 5;
  const pending: Promise<void>[] = [];
  const began = process.hrtime.bigint();
  let next = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = ms(process.hrtime.bigint() - began) / 1000;
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * rate) - sent;
      for (let i = 0; i < due; i += 1) {
        const player = players[next];
        next = (next + 1) % players.length;
        sent += 1;
        const start = process.hrtime.bigint();
        pending.push(
          send(player).then((ok) => {
            if (ok) latencies.push(ms(process.hrtime.bigint() - start));
            else errors += 1;
          }),
        );
      }
    }, tickMs);
  });
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const elapsed = ms(process.hrtime.bigint() - began) / 1000;
  return {
    actions: latencies.length,
    seconds: elapsed,
    rate: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

const fmt = (phase: Phase) =>
  `${phase.rate.toFixed(0).padStart(6)} actions/s  ack p50 ${phase.p50.toFixed(1).padStart(6)} ms  p99 ${phase.p99.toFixed(1).padStart(6)} ms${phase.errors ? `  errors ${phase.errors}` : ''}`;

async function main(): Promise<void> {
  const database = `arena_bench_${process.pid}`;
  await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${database}`);
  const children: ChildProcess[] = [];
  const sockets: BenchSocket[] = [];
  try {
    const arenaPort = await freePort();
    const arena = await startProcess(
      join(__dirname, '..', 'src', 'main.js'),
      [],
      {
        NODE_ENV: 'development',
        ARENA_BENCH_GAME: '1',
        HOST: '127.0.0.1',
        PORT: String(arenaPort),
        DATABASE_URL: withDatabase(ADMIN_URL, database),
        LOG_LEVEL: 'error',
        THROTTLE_USER_LIMIT: '100000000',
        THROTTLE_IP_LIMIT: '100000000',
        THROTTLE_AUTH_LIMIT: '100000000',
      },
      /listening on/,
    );
    children.push(arena);
    const barePort = await freePort();
    children.push(await startProcess(join(__dirname, 'bare-server.js'), [String(barePort)], {}, /BARE_READY \d+/));
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const arenaUrl = `http://127.0.0.1:${arenaPort}`;

    process.stdout.write(
      `Setting up ${ROOMS} rooms x ${PLAYERS} players on Arena (${arenaUrl}) and on the bare server (${bareUrl})...\n`,
    );
    const arenaPlayers = await setUpArena(arenaUrl);
    const barePlayers = await setUpBare(bareUrl);
    sockets.push(...arenaPlayers.map((p) => p.socket), ...barePlayers.map((p) => p.socket));

    const results: { arenaClosed: Phase; bareClosed: Phase; arenaOpen: Phase; bareOpen: Phase }[] = [];
    for (let run = 1; run <= RUNS; run += 1) {
      const arenaClosed = await closedLoop(arenaPlayers, CLOSED_SECONDS);
      const bareClosed = await closedLoop(barePlayers, CLOSED_SECONDS);
      const arenaOpen = await openLoop(arenaPlayers, OPEN_RATE, OPEN_SECONDS);
      const bareOpen = await openLoop(barePlayers, OPEN_RATE, OPEN_SECONDS);
      results.push({ arenaClosed, bareClosed, arenaOpen, bareOpen });
      process.stdout.write(
        `run ${run}: closed loop  Arena ${fmt(arenaClosed)}\n` +
          `              bare  ${fmt(bareClosed)}   ratio ${(arenaClosed.rate / bareClosed.rate).toFixed(2)}x\n` +
          `       open ${OPEN_RATE}/s Arena ${fmt(arenaOpen)}\n` +
          `              bare  ${fmt(bareOpen)}\n`,
      );
    }
    const pick = (f: (r: (typeof results)[number]) => number) => median(results.map(f));
    process.stdout.write(
      `\nMedians of ${RUNS} runs (${ROOMS} rooms x ${PLAYERS} players, closed ${CLOSED_SECONDS}s, open ${OPEN_SECONDS}s at ${OPEN_RATE}/s):\n` +
        `  closed loop: Arena ${pick((r) => r.arenaClosed.rate).toFixed(0)} actions/s (ack p50 ${pick((r) => r.arenaClosed.p50).toFixed(1)} ms, p99 ${pick((r) => r.arenaClosed.p99).toFixed(1)} ms)` +
        `; bare ${pick((r) => r.bareClosed.rate).toFixed(0)} actions/s (p50 ${pick((r) => r.bareClosed.p50).toFixed(1)} ms, p99 ${pick((r) => r.bareClosed.p99).toFixed(1)} ms)\n` +
        `  ratio Arena/bare (closed loop, per run, median): ${pick((r) => r.arenaClosed.rate / r.bareClosed.rate).toFixed(2)}x (target >= 0.50x)\n` +
        `  open loop at ${OPEN_RATE}/s: Arena ack p50 ${pick((r) => r.arenaOpen.p50).toFixed(1)} ms, p99 ${pick((r) => r.arenaOpen.p99).toFixed(1)} ms (target p99 <= 25 ms); bare p50 ${pick((r) => r.bareOpen.p50).toFixed(1)} ms, p99 ${pick((r) => r.bareOpen.p99).toFixed(1)} ms\n`,
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
