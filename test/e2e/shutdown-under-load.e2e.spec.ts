import { Client } from 'pg';
import request from 'supertest';
import { startArena, type ArenaProcess } from '../support/arena-process';
import { audit, Crowd, finalAnswer, PLAY_ENV, sleep, type Player } from '../support/fault-crowd';
import { testDatabaseUrl } from '../support/per-file-database';

/** A loaded machine (other test files, other work) may take a while to start a process. */
const START_MS = 120_000;
const GRACE_MS = 2000;
/** The margin past SHUTDOWN_GRACE_MS the README promises. */
const MARGIN_MS = 2000;
/** Two processes starved of CPU (a load of 30 on 2 cores) see a signal and an exit seconds late. */
const SCHEDULING_SLACK_MS = 5000;

/**
 * Issue 17 (5): SIGTERM while every client is acting (bench bumps in three rooms, and a group chat): the
 * process stops accepting, tells every client `server:shutdown`, commits everything it acknowledged, and
 * exits within SHUTDOWN_GRACE_MS plus the margin. Started again, it answers every retry with the first
 * result.
 */
describe('graceful shutdown under load', () => {
  let arena: ArenaProcess | null = null;
  let crowd: Crowd | null = null;
  let db: Client;

  afterAll(async () => {
    crowd?.close();
    arena?.child.kill('SIGKILL');
    await db?.end();
  });

  it('SIGTERM with clients acting: stops accepting, tells everyone, loses nothing acknowledged, and exits in time', async () => {
    const databaseUrl = await testDatabaseUrl();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const env = { ...PLAY_ENV, DATABASE_URL: databaseUrl, SHUTDOWN_GRACE_MS: String(GRACE_MS) };
    arena = await startArena(env, START_MS);
    let up = true;
    crowd = new Crowd(() => (up && arena ? [arena.url] : []));
    const players: Player[] = [];
    for (let i = 0; i < 6; i += 1) players.push(await crowd.join(`Busy ${i + 1}`));
    const ok = async <T>(promise: Promise<unknown>) => {
      const answer = (await promise) as { ok: boolean; data: T } | undefined;
      if (!answer?.ok) throw new Error(`set-up request failed: ${JSON.stringify(answer)}`);
      return answer.data;
    };
    for (let i = 0; i < 3; i += 1) {
      const [host, guest] = [players[2 * i], players[2 * i + 1]];
      const room = await ok<{ roomId: string }>(
        crowd.send(host, 'room:create', { gameId: 'bench', seatCount: 2 }, 'actionId'),
      );
      crowd.rooms.add(room.roomId);
      await ok(crowd.send(guest, 'room:join', { roomId: room.roomId }, 'actionId'));
      host.follow(room.roomId);
      guest.follow(room.roomId);
      await ok(crowd.send(host, 'room:start', { roomId: room.roomId }, 'actionId'));
    }
    const group = await request(arena.url)
      .post('/conversations')
      .set('Authorization', `Bearer ${players[0].token}`)
      .send({ title: 'Last orders', memberIds: players.slice(1).map((p) => p.userId) })
      .expect(201);
    const conversationId = group.body.id as string;
    crowd.conversations.add(conversationId);
    for (const player of players) await crowd.resyncChat(player);

    let acting = true;
    const rooms = [...crowd.rooms];
    const work = players.map(async (player, i) => {
      for (let n = 0; acting; n += 1) {
        void crowd!.send(
          player,
          'game:action',
          { roomId: rooms[Math.floor(i / 2)], action: { type: 'bump' } },
          'actionId',
        );
        if (n % 3 === 0) void crowd!.send(player, 'chat:send', { conversationId, body: `busy ${n}` }, 'clientMsgId');
        await sleep(30);
      }
    });
    await sleep(1500);

    up = false; // from now on, clients find no server until it is started again
    const signalled = Date.now();
    arena.child.kill('SIGTERM');
    await sleep(100);
    const refused = await request(arena.url)
      .get('/health')
      .then((response) => `HTTP ${response.status}`)
      .catch((error: { code?: string }) => error.code ?? 'refused');
    const exit = await arena.exited;
    const took = exit.at - signalled;
    acting = false;
    await Promise.all(work);
    const answeredBeforeRestart = players.flatMap((p) => p.sent).filter((sent) => finalAnswer(sent)?.ok).length;
    console.log(
      `SIGTERM under load: exited ${exit.code} after ${took} ms (SHUTDOWN_GRACE_MS ${GRACE_MS} + margin ${MARGIN_MS}); ` +
        `${answeredBeforeRestart} requests acknowledged; a request 100 ms after the signal: ${refused}\n` +
        arena
          .output()
          .split('\n')
          .filter((line) => /shutting down|drained|did not finish|in flight/.test(line))
          .join('\n'),
    );
    // Exit code 0: the process finished before its own bound (SHUTDOWN_GRACE_MS + 2 s) fired, by its clock.
    expect(exit.code).toBe(0);
    // By the test's clock too, give or take the scheduling of a loaded machine (measured 7.1 s at load 30).
    expect(took).toBeLessThan(GRACE_MS + MARGIN_MS + SCHEDULING_SLACK_MS);
    expect(['ECONNREFUSED', 'HTTP 503']).toContain(refused);
    for (const player of players) expect(player.shutdownNotices).toBe(1);
    expect(arena.output()).toMatch(/"msg":"drained"/);

    // Everything acknowledged is committed; started again, every retry lands once.
    arena = await startArena(env, START_MS);
    up = true;
    await crowd.settle(30_000);
    await sleep(500);
    const { problems, counts } = await audit(db, crowd, [], { finished: false });
    console.log(`after the restart: ${JSON.stringify(counts)}`);
    expect(problems).toEqual([]);
  }, 480_000); // a few minutes on a loaded machine, about one on a quiet one
});
