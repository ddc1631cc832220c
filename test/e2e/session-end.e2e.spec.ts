import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, nextEvent, UNTHROTTLED, type TestApp } from '../support/test-app';

/**
 * A session ends by expiry, or by revocation or deletion in the database (another process, an operator):
 * however it ends, its open sockets stop acting (`session:revoked`, then closed) within the stated bound,
 * and nothing they send after the end commits.
 */
const CHECK_INTERVAL_MS = 400;

describe('a session that ends while its socket is open', () => {
  let arena: TestApp;
  let db: Client;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED, SESSION_CHECK_INTERVAL_MS: String(CHECK_INTERVAL_MS) });
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const sessionOf = async (token: string) => {
    const me = await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    const { rows } = await db.query('SELECT id FROM sessions WHERE user_id = $1', [me.body.id]);
    return { userId: me.body.id as string, sessionId: rows[0].id as string };
  };

  /** A player seated alone in a started bench room, acting every 20 ms until its socket closes. */
  async function busyPlayer(token: string) {
    const socket = await arena.socket(token);
    const room = await ok(socket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 1 });
    await ok(socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    const timer = setInterval(() => {
      if (socket.connected)
        socket.emit(
          'game:action',
          { actionId: aid('late'), roomId: room.roomId, action: { type: 'bump' } },
          () => undefined,
        );
    }, 20);
    return { socket, roomId: room.roomId as string, stop: () => clearInterval(timer) };
  }

  /** Room events this user committed at or after `since`. */
  const committedSince = async (roomId: string, userId: string, since: Date) =>
    Number(
      (
        await db.query(
          `SELECT count(*) FROM room_events WHERE room_id = $1 AND actor = $2 AND type = 'game.act' AND at >= $3`,
          [roomId, userId, since],
        )
      ).rows[0].count,
    );

  /** What a client still connected at the notice can do: nothing that sticks. */
  async function refusedAfterNotice(socket: Socket, roomId: string, userId: string) {
    const [action, group] = await Promise.all([
      socket
        .timeout(1000)
        .emitWithAck('game:action', { actionId: aid('after'), roomId, action: { type: 'bump' } })
        .catch(() => 'closed'),
      socket
        .timeout(1000)
        .emitWithAck('chat:create-group', { actionId: aid('after'), title: 'After the end', memberIds: [] })
        .catch(() => 'closed'),
    ]);
    for (const reply of [action, group]) {
      if (reply !== 'closed') expect(reply).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
    const groups = await db.query(
      `SELECT count(*) FROM conversations WHERE title = 'After the end' AND created_by = $1`,
      [userId],
    );
    expect(Number(groups.rows[0].count)).toBe(0);
  }

  it('expires at its expires_at: the socket is told, closed, and nothing it sent after commits', async () => {
    const token = await arena.guest('Expiring');
    const { userId, sessionId } = await sessionOf(token);
    const expiresAt = new Date(Date.now() + 1200);
    await db.query('UPDATE sessions SET expires_at = $2 WHERE id = $1', [sessionId, expiresAt]);
    const player = await busyPlayer(token);
    const revoked = nextEvent(player.socket, 'session:revoked', 5000);
    const closed = nextEvent(player.socket, 'disconnect', 5000);
    try {
      expect(await revoked).toEqual({ reason: 'expired' });
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
      expect(Date.now()).toBeLessThan(expiresAt.getTime() + 1000);
      await refusedAfterNotice(player.socket, player.roomId, userId);
      await closed;
    } finally {
      player.stop();
    }
    // An event let through just before the end may be applied a moment after it.
    expect(await committedSince(player.roomId, userId, new Date(expiresAt.getTime() + 250))).toBe(0);
    await arena.http().get('/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it.each([
    ['revoked by a direct UPDATE', 'UPDATE sessions SET revoked_at = now() WHERE id = $1'],
    ['deleted by a direct DELETE', 'DELETE FROM sessions WHERE id = $1'],
  ])('%s in the database: closed within SESSION_CHECK_INTERVAL_MS, its later events refused', async (_what, sql) => {
    const token = await arena.guest('Revoked Elsewhere');
    const { userId, sessionId } = await sessionOf(token);
    const player = await busyPlayer(token);
    await ok(player.socket, 'session:whoami', undefined);
    const revoked = nextEvent(player.socket, 'session:revoked', 5000);
    const closed = nextEvent(player.socket, 'disconnect', 5000);
    const endedAt = new Date();
    await db.query(sql, [sessionId]);
    try {
      expect(await revoked).toEqual({ reason: 'revoked' });
      // The bound stated in the README: one check interval, plus the check's own query.
      expect(Date.now() - endedAt.getTime()).toBeLessThan(CHECK_INTERVAL_MS + 600);
      await refusedAfterNotice(player.socket, player.roomId, userId);
      await closed;
    } finally {
      player.stop();
    }
    expect(await committedSince(player.roomId, userId, new Date(endedAt.getTime() + CHECK_INTERVAL_MS + 600))).toBe(0);
    expect(player.socket.connected).toBe(false);
  });

  it('a user disabled in the database loses its open sockets too', async () => {
    const token = await arena.guest('Disabled Elsewhere');
    const { userId } = await sessionOf(token);
    const socket = await arena.socket(token);
    const revoked = nextEvent(socket, 'session:revoked', 5000);
    const closed = nextEvent(socket, 'disconnect', 5000);
    await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [userId]);
    expect(await revoked).toEqual({ reason: 'revoked' });
    await closed;
  });

  it('a live session keeps its socket through many checks', async () => {
    const token = await arena.guest('Still Here');
    const socket = await arena.socket(token);
    await new Promise((resolve) => setTimeout(resolve, CHECK_INTERVAL_MS * 3));
    expect(socket.connected).toBe(true);
    expect(await ask(socket, 'session:whoami')).toMatchObject({ ok: true, data: { displayName: 'Still Here' } });
  });
});
