import { Client } from 'pg';
import { startArena, type ArenaProcess } from '../support/arena-process';
import {
  audit,
  chatter,
  Crowd,
  pendingDeadlines,
  PLAY_ENV,
  playedToTheEnd,
  setUpPlay,
  sleep,
  type Player,
} from '../support/fault-crowd';
import { testDatabaseUrl } from '../support/per-file-database';

/**
 * Issue 17 (1): kill -9 under load, three times. Arena runs as a child process on this file's own
 * database; roast and mafia rooms with bots are being played and a group chats while the process is
 * SIGKILLed and started again; the clients retry what was not answered with the same ids and rejoin.
 */
/** A loaded machine (other test files, other work) may take a while to start a process. */
const START_MS = 120_000;

describe('kill -9 under load', () => {
  let arena: ArenaProcess | null = null;
  let crowd: Crowd | null = null;
  let db: Client;

  afterAll(async () => {
    crowd?.close();
    arena?.child.kill('SIGKILL');
    await db?.end();
  });

  it('three SIGKILLs lose nothing acknowledged, double nothing, leave nothing half-applied, and the games play on to the end', async () => {
    const databaseUrl = await testDatabaseUrl();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const env = { ...PLAY_ENV, DATABASE_URL: databaseUrl };
    arena = await startArena(env, START_MS);
    crowd = new Crowd(() => (arena ? [arena.url] : []));
    const players: Player[] = [];
    for (let i = 0; i < 6; i += 1) players.push(await crowd.join(`Survivor ${i + 1}`));
    await setUpPlay(crowd, players, arena.url);

    let chatting = true;
    const talk = chatter(crowd, players, () => chatting);
    const deadlines = [];
    const restarts: number[] = [];
    for (let kill = 0; kill < 3; kill += 1) {
      await sleep(2500);
      deadlines.push(...(await pendingDeadlines(db, [...crowd.rooms])));
      const dying = arena;
      dying.child.kill('SIGKILL');
      await dying.exited;
      const started = Date.now();
      arena = await startArena(env, START_MS);
      restarts.push(Date.now() - started);
    }
    await sleep(1500);
    chatting = false;
    await talk;
    await playedToTheEnd(db, [...crowd.rooms], 90_000);
    await crowd.settle(60_000);
    await sleep(500); // the last live messages reach everyone

    const { problems, counts } = await audit(db, crowd, deadlines);
    console.log(
      `kill -9 x3: restarts took ${restarts.join(', ')} ms; ${JSON.stringify(counts)}; reconnects ${players.map((p) => p.reconnects).join(',')}`,
    );
    expect(problems).toEqual([]);
    expect(counts.retried).toBeGreaterThan(0); // the kills did catch requests in flight
    expect(counts.deadlinesFired).toBeGreaterThan(0);
  }, 480_000); // a few minutes on a loaded machine, about one on a quiet one
});
