import { Client } from 'pg';
import { startArena, type ArenaProcess } from '../support/arena-process';
import { fileRedis } from '../support/file-redis';
import {
  audit,
  chatter,
  Crowd,
  MAFIA,
  pendingDeadlines,
  PLAY_ENV,
  playedToTheEnd,
  ROAST,
  setUpPlay,
  sleep,
  type Player,
} from '../support/fault-crowd';
import { testDatabaseUrl } from '../support/per-file-database';

/**
 * Issue 17 (4): three Arena processes on one PostgreSQL and one Redis, restarted one at a time (SIGTERM,
 * wait for the exit, start again) while roast and mafia rooms with bots are played and a group chats from
 * clients spread over all three. A client whose process goes away moves to another port, rejoins its seat
 * with its last seq, resyncs its chat and retries what was not answered with the same ids; a client of
 * another process is not touched.
 */
const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) process.stdout.write('SKIPPED: a rolling restart of several processes needs REDIS_URL\n');

/** A loaded machine (other test files, other work) may take a while to start a process. */
const START_MS = 120_000;
const GRACE_MS = 2000;
/** The margin past SHUTDOWN_GRACE_MS the README promises. */
const MARGIN_MS = 2000;
/** Processes starved of CPU see a signal and an exit late (as in shutdown-under-load). */
const SCHEDULING_SLACK_MS = 5000;
const PROCESSES = 3;

withRedis('a rolling restart of three processes', () => {
  const arenas: Array<ArenaProcess | null> = [];
  let crowd: Crowd | null = null;
  let db: Client;

  afterAll(async () => {
    crowd?.close();
    for (const arena of arenas) arena?.child.kill('SIGKILL');
    await db?.end();
  });

  it('restarted one at a time, the processes lose no room, no acknowledged request and no event, double nothing, and fire every deadline once', async () => {
    const databaseUrl = await testDatabaseUrl();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const env = {
      ...PLAY_ENV,
      DATABASE_URL: databaseUrl,
      ...fileRedis,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      // Presence sweeps ask every process who is connected, through Redis, while processes come and go.
      ROOM_PRESENCE_SWEEP_MS: '1000',
    };
    // Each one kept as it starts, so that afterAll stops it even if another failed to start.
    const starts = await Promise.allSettled(
      Array.from({ length: PROCESSES }, async (_, i) => (arenas[i] = await startArena(env, START_MS))),
    );
    for (const start of starts) if (start.status === 'rejected') throw start.reason;
    // What a balancer would list: the processes up and not stopping.
    crowd = new Crowd(() => arenas.filter((arena): arena is ArenaProcess => arena !== null).map((arena) => arena.url));
    const players: Player[] = [];
    for (let i = 0; i < 2 * PROCESSES; i += 1) players.push(await crowd.join(`Roller ${i + 1}`, i));
    // And a bench room per process, bumped all the time, so that each SIGTERM finds actions in flight.
    const benchers: Player[] = [];
    for (let i = 0; i < PROCESSES; i += 1) benchers.push(await crowd.join(`Bencher ${i + 1}`, i));
    // Longer games than a crash test's: they are still being played when the last process restarts.
    await setUpPlay(crowd, [...players, ...benchers], arenas[0]!.url, {
      roast: { ...ROAST, rounds: 12, roundMs: 1800, votingMs: 1800 },
      mafia: { ...MAFIA, maxDays: 6, nightMs: 1800, votingMs: 1800 },
    }); // the benchers are in the group too
    for (const bencher of benchers) {
      const room = await crowd.send<{ roomId: string }>(
        bencher,
        'room:create',
        { gameId: 'bench', seatCount: 1 },
        'actionId',
      );
      if (!room?.ok) throw new Error(`set-up request failed: ${JSON.stringify(room)}`);
      crowd.rooms.add(room.data.roomId);
      crowd.endless.add(room.data.roomId);
      bencher.follow(room.data.roomId);
      await crowd.send(bencher, 'room:start', { roomId: room.data.roomId }, 'actionId');
    }

    let chatting = true;
    const talk = chatter(crowd, players, () => chatting);
    const bump = Promise.all(
      benchers.map(async (bencher) => {
        const roomId = [...bencher.roomSeqs.keys()][0];
        while (chatting) {
          void crowd!.send(bencher, 'game:action', { roomId, action: { type: 'bump' } }, 'actionId');
          await sleep(40);
        }
      }),
    );
    const games = [...crowd.rooms].filter((roomId) => !crowd!.endless.has(roomId));
    const deadlines = [];
    const exits: Array<{ code: number | null; ms: number; drained: string }> = [];
    const restarts: number[] = [];
    const playing: number[] = [];
    const disturbed: string[] = [];
    for (let i = 0; i < PROCESSES; i += 1) {
      await sleep(2500);
      deadlines.push(...(await pendingDeadlines(db, [...crowd.rooms])));
      playing.push(
        (await db.query(`SELECT count(*)::int AS n FROM rooms WHERE id = ANY($1) AND phase = 'playing'`, [games]))
          .rows[0].n,
      );
      const stopping = arenas[i]!;
      arenas[i] = null; // out of the balancer's list, as a failed health check takes it out
      const elsewhere = crowd.players.filter((p) => p.server !== null && p.server !== stopping.url);
      const reconnectsBefore = elsewhere.map((p) => p.reconnects);
      const signalled = Date.now();
      stopping.child.kill('SIGTERM');
      const exit = await stopping.exited;
      const drained = /"pending":(\d+),"msg":"drained"/.exec(stopping.output())?.[1] ?? 'never';
      exits.push({ code: exit.code, ms: exit.at - signalled, drained });
      elsewhere.forEach((p, n) => {
        if (p.reconnects !== reconnectsBefore[n])
          disturbed.push(`${p.name}, on another process, was disconnected by the SIGTERM of process ${i + 1}`);
      });
      const started = Date.now();
      arenas[i] = await startArena(env, START_MS);
      restarts.push(Date.now() - started);
    }
    await sleep(1500);
    chatting = false;
    await Promise.all([talk, bump]);
    await playedToTheEnd(db, games, 90_000);
    await crowd.settle(60_000);
    await sleep(500); // the last live messages reach everyone

    const { problems, counts } = await audit(db, crowd, deadlines);
    console.log(
      `rolling restart: exits ${exits.map((e) => `${e.code} after ${e.ms} ms (pending at drain ${e.drained})`).join(', ')}; ` +
        `starts took ${restarts.join(', ')} ms; games playing at each SIGTERM ${playing.join(', ')}; ${JSON.stringify(counts)}; ` +
        `reconnects ${crowd.players.map((p) => p.reconnects).join(',')}`,
    );
    // Each process exited by itself, 0, within SHUTDOWN_GRACE_MS + the margin (give or take a loaded machine).
    for (const exit of exits) {
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(GRACE_MS + MARGIN_MS + SCHEDULING_SLACK_MS);
    }
    expect(disturbed).toEqual([]);
    expect(problems).toEqual([]);
    // The games were being played through every restart, and their deadlines fired.
    expect(Math.min(...playing)).toBeGreaterThan(0);
    expect(counts.deadlinesFired).toBeGreaterThan(0);
  }, 300_000);
});
