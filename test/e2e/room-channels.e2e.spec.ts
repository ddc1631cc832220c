import { Pool } from 'pg';
import { TransactionHost } from '../../src/database/transaction-host';
import type { Caller } from '../../src/identity/caller';
import { RoomsService } from '../../src/games/rooms.service';
import type { Socket } from 'socket.io-client';
import { aid, ok, UpdateLog } from '../support/rooms';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';

/** A room's chat channels are written with the room event that changes them: never after, never lost. */
describe('room chat channels commit with the room', () => {
  let arena: TestApp;
  // A pool: the checks below run concurrently, and one client would queue them (pg's DeprecationWarning).
  let db: Pool;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
    db = new Pool({ connectionString: arena.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const member = async (roomId: string, channel: string, userId: string): Promise<boolean> =>
    (
      await db.query(
        `SELECT 1 FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id
          WHERE c.room_id = $1 AND c.channel = $2 AND m.user_id = $3 AND m.left_at IS NULL`,
        [roomId, channel, userId],
      )
    ).rows.length > 0;

  it('makes every player seated by quick match a member of the room channel by the time its ack arrives (30 at once)', async () => {
    const seated = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const token = await arena.guest(`Quick ${i + 1}`);
        const socket = await arena.socket(token);
        const me = await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
        return { socket, userId: me.body.id as string };
      }),
    );
    const matched = await Promise.all(
      seated.map(async ({ socket, userId }) => {
        const entry = await ok<{ roomId: string }>(socket, 'lobby:quick-match', {
          actionId: aid('q'),
          gameId: 'roast',
        });
        // Checked as soon as the ack arrives: nothing may still be on its way.
        return { userId, roomId: entry.roomId, inChannel: await member(entry.roomId, 'room', userId) };
      }),
    );
    expect(matched.filter((m) => !m.inChannel)).toEqual([]);
    expect(new Set(matched.map((m) => m.roomId)).size).toBeGreaterThan(1);
  });

  it('keeps the room channel membership of a committed seat when the request that took it fails afterwards', async () => {
    const token = await arena.guest('Host Zed');
    const host = await arena.socket(token);
    const room = await ok<{ roomId: string }>(host, 'room:create', { actionId: aid(), gameId: 'roast' });
    const guest = await arena.http().post('/auth/guest').send({ displayName: 'Late Yan' }).expect(201);
    const caller: Caller = {
      userId: guest.body.user.id,
      sessionId: 'test',
      kind: 'guest',
      role: 'player',
      displayName: 'Late Yan',
      ownerId: null,
    };
    // A unit of work (an idempotent request, say) that seats the player, then fails: the seat is the room's, committed on its own.
    await expect(
      arena.app.get(TransactionHost).transaction(async () => {
        await arena.app.get(RoomsService).join(caller, room.roomId, {}, aid());
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('the request failed after the seat was taken');
      }),
    ).rejects.toThrow('the request failed');
    expect(
      (
        await db.query('SELECT user_id FROM room_seats WHERE room_id = $1 AND user_id = $2', [
          room.roomId,
          caller.userId,
        ])
      ).rows,
    ).toHaveLength(1);
    expect(await member(room.roomId, 'room', caller.userId)).toBe(true);
  });

  it('lets a living mafia write in the mafia channel the moment it sees night_started, game after game', async () => {
    const players = await Promise.all(
      ['Host Ivy', 'Jon', 'Kim', 'Lou'].map(async (name) => {
        const token = await arena.guest(name);
        const socket = await arena.socket(token);
        return { socket, log: new UpdateLog(socket) };
      }),
    );
    const [host] = players;
    const room = await ok<{ roomId: string }>(host.socket, 'room:create', {
      actionId: aid(),
      gameId: 'mafia',
      seatCount: 4,
      options: { nightMs: 60_000 },
    });
    for (const other of players.slice(1)) await ok(other.socket, 'room:join', { actionId: aid(), roomId: room.roomId });

    let mafiaChannel: string | null = null;
    const whispers: Array<Promise<{ ok: boolean; error?: { code: string } }>> = [];
    const whisperAtNightfall = (socket: Socket, log: UpdateLog) =>
      log.on((update) => {
        const nightfall = update.events.some((event) => event.events.some((e) => e.type === 'night_started'));
        const you = (update.view.game as { you?: { role: string; alive: boolean } } | null)?.you;
        if (!nightfall || you?.role !== 'mafia' || !you.alive || mafiaChannel === null) return;
        whispers.push(
          ask(socket, 'chat:send', { conversationId: mafiaChannel, clientMsgId: aid('w'), body: 'tonight: the baker' }),
        );
      });
    for (const p of players) whisperAtNightfall(p.socket, p.log);

    const games = 13;
    for (let game = 0; game < games; game += 1) {
      const seen = players.map((p) => p.log.updates.length);
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      await Promise.all(
        players.map((p, i) =>
          p.log.until(
            (u) =>
              u.seq > 0 &&
              p.log.updates.indexOf(u) >= seen[i] &&
              (u.view.game as { phase?: string })?.phase === 'night',
          ),
        ),
      );
      if (mafiaChannel === null) {
        // The first game only shows the test the channel's id.
        for (let i = 0; i < 100 && mafiaChannel === null; i += 1) {
          mafiaChannel =
            (await db.query(`SELECT id FROM conversations WHERE room_id = $1 AND channel = 'mafia'`, [room.roomId]))
              .rows[0]?.id ?? null;
          if (mafiaChannel === null) await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } else {
        while (whispers.length < game) await new Promise((resolve) => setTimeout(resolve, 5));
        await whispers[game - 1]; // answered before the reset closes the channel
      }
      await ok(host.socket, 'room:reset', { actionId: aid(), roomId: room.roomId });
    }
    const answers = await Promise.all(whispers);
    expect(answers).toHaveLength(games - 1);
    expect(answers.filter((answer) => !answer.ok).map((answer) => answer.error?.code)).toEqual([]);
  });
});
