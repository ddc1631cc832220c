import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { ask, nextEvent, type TestApp } from './test-app';

export interface Player {
  token: string;
  userId: string;
  auth: { Authorization: string };
}

/** A signed-in guest with its id. */
export async function player(arena: TestApp, displayName: string): Promise<Player> {
  const response = await arena.http().post('/auth/guest').send({ displayName }).expect(201);
  return {
    token: response.body.token,
    userId: response.body.user.id,
    auth: { Authorization: `Bearer ${response.body.token}` },
  };
}

export async function players(arena: TestApp, count: number, prefix = 'Player'): Promise<Player[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => player(arena, `${prefix} ${i + 1}`)));
}

/** A group made by `owner` with `members`; returns its id. */
export async function group(arena: TestApp, owner: Player, members: Player[], title = 'Crew'): Promise<string> {
  const response = await arena
    .http()
    .post('/conversations')
    .set(owner.auth)
    .send({ title, memberIds: members.map((m) => m.userId) })
    .expect(201);
  return response.body.id;
}

/**
 * A connected socket that has sent `chat:sync`, as the protocol asks of every client after it connects:
 * from then on it is in the live rooms of its conversations (the join made at connect runs on its own and
 * may finish after the socket's first events).
 */
export async function chatSocket(arena: TestApp, token: string, features?: string[]): Promise<Socket> {
  const socket = await arena.socket(token, features);
  const synced = await ask<{ ok: boolean }>(socket, 'chat:sync', { cursors: [] });
  if (!synced.ok) throw new Error(`chat:sync failed: ${JSON.stringify(synced)}`);
  return socket;
}

/** `owner` adds `member` to a group over REST; resolves once each of the member's `sockets` has heard of it. */
export async function addMember(
  arena: TestApp,
  owner: Player,
  conversationId: string,
  member: Player,
  sockets: Socket[],
): Promise<void> {
  const joined = Promise.all(sockets.map((socket) => nextEvent(socket, 'chat:member-joined')));
  await arena
    .http()
    .post(`/conversations/${conversationId}/members`)
    .set(owner.auth)
    .send({ userIds: [member.userId] })
    .expect(200);
  await joined;
}

/** Collects every payload of `event` on a socket, in arrival order. */
export function collect<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/**
 * Collects the chat messages a socket receives live, in arrival order, as a client must read them: one
 * `chat:message` each, or several of one conversation in a `chat:messages` packet.
 */
export function collectMessages<T = any>(socket: Socket): T[] {
  const seen: T[] = [];
  socket.on('chat:message', (message: T) => seen.push(message));
  socket.on('chat:messages', (batch: { messages: T[] }) => seen.push(...batch.messages));
  return seen;
}

/** Resolves once `predicate` holds, polling briefly; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Resolves once `count` statements in the database are waiting on a lock (so that a test can release
 * them together); rejects after `timeoutMs`. Reads from a connection of its own: within the test's open
 * transaction, pg_stat_activity would not change.
 */
export async function waitForLockWaiters(databaseUrl: string, count: number, timeoutMs = 5000): Promise<void> {
  const probe = new Client({ connectionString: databaseUrl });
  await probe.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    const waiting = async () =>
      Number(
        (
          await probe.query(
            `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0].count,
      );
    while ((await waiting()) < count) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} statements waiting on a lock`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await probe.end();
  }
}
