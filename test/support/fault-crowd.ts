import { Client } from 'pg';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { BotMemory, GameAction } from '../../src/games/domain/engine';
import { mafiaBotAction } from '../../src/games/domain/mafia/mafia.bot';
import { seededRandom } from '../../src/games/domain/random';
import { roastBotAction } from '../../src/games/domain/roast/roast.bot';
import type { ChatMessage } from '../../src/messaging/messaging.types';
import type { RejoinReply, RoomEventView, RoomUpdate, RoomView } from '../../src/protocol/rooms.protocol';
import type { ClientEvent } from '../../src/realtime/on-event.decorator';
import { ViewTracker } from './rooms';

/**
 * Players for the fault tests (a crash, a rolling restart, a shutdown): real Socket.IO clients that keep
 * every request they made and every answer they got, move to another server when theirs goes away, rejoin
 * their rooms with the last seq they saw and resync their chat, and retry whatever was not answered (or
 * was answered "retry") with the same id and payload, as the protocol asks of a client. Seated players
 * play their games with the built-in bots' policy, and now and then let a phase time out so deadlines fire.
 */

type Ack<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** Answers that say "not done, try again with the same id". */
const RETRYABLE = new Set(['SERVICE_UNAVAILABLE', 'SHUTTING_DOWN', 'IDEMPOTENCY_KEY_IN_PROGRESS', 'ROOM_BUSY']);

export interface Sent {
  player: Player;
  event: ClientEvent;
  id: string;
  payload: Record<string, unknown>;
  /** Every answer, in order; the last one decides unless it asks for a retry. */
  answers: Ack[];
  /** Times it went out. */
  attempts: number;
  inFlight: boolean;
}

export const finalAnswer = (sent: Sent): Ack | undefined => {
  const last = sent.answers.at(-1);
  return last && (last.ok || !RETRYABLE.has(last.error.code)) ? last : undefined;
};

export class Player {
  socket: Socket | null = null;
  readonly sent: Sent[] = [];
  /** Seqs of room events this player was shown (updates and rejoin replies), per room. */
  readonly roomSeqs = new Map<string, Set<number>>();
  readonly lastSeq = new Map<string, number>();
  /** Message seqs received, per conversation. */
  readonly chatSeqs = new Map<string, Set<number>>();
  shutdownNotices = 0;
  reconnects = 0;
  /** The server this player's socket is connected to now (null between sockets). */
  server: string | null = null;
  private acted = new Set<string>();
  private counter = 0;

  constructor(
    readonly crowd: Crowd,
    readonly name: string,
    readonly token: string,
    readonly userId: string,
  ) {}

  nextId(kind: string): string {
    return `${kind}-${this.name.replace(/\W/g, '')}-${++this.counter}`;
  }

  /** From now on this player rejoins the room after every reconnect. */
  follow(roomId: string): void {
    if (!this.roomSeqs.has(roomId)) this.roomSeqs.set(roomId, new Set());
  }

  seenRoom(roomId: string, seq: number): void {
    if (!this.roomSeqs.has(roomId)) this.roomSeqs.set(roomId, new Set());
    this.roomSeqs.get(roomId)!.add(seq);
    this.lastSeq.set(roomId, Math.max(this.lastSeq.get(roomId) ?? 0, seq));
  }

  seenMessage(message: ChatMessage): void {
    if (!this.chatSeqs.has(message.conversationId)) this.chatSeqs.set(message.conversationId, new Set());
    this.chatSeqs.get(message.conversationId)!.add(message.seq);
  }

  /** The highest seq up to which this player has every message of the conversation. */
  chatCursor(conversationId: string): number {
    const seqs = this.chatSeqs.get(conversationId) ?? new Set<number>();
    let seq = 0;
    while (seqs.has(seq + 1)) seq += 1;
    return seq;
  }

  /** Plays the seat from its own view, as a bot would; a third of the phases it lets time out. */
  act(view: RoomView): void {
    const game = view.game as (Record<string, unknown> & { phase?: string }) | null;
    if (!game || view.phase !== 'playing' || view.you.seat === null) return;
    const key = `${view.roomId}|${game.phase}|${String(game.round ?? '')}|${String(game.day ?? '')}`;
    if (this.acted.has(key)) return;
    const seat = view.you.seat;
    const policy = view.gameId === 'roast' ? roastBotAction : view.gameId === 'mafia' ? mafiaBotAction : null;
    const ctx = { now: Date.now(), random: seededRandom(hash(key) ^ seat) };
    const action: GameAction | null = policy ? policy(game, seat, [] as BotMemory, ctx) : null;
    if (!action) return;
    this.acted.add(key);
    if (hash(`${key}|${seat}`) % 3 === 0) return; // this phase waits for its deadline
    void this.crowd.send(this, 'game:action', { roomId: view.roomId, action }, 'actionId');
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class Crowd {
  readonly players: Player[] = [];
  readonly rooms = new Set<string>();
  /** Rooms of `rooms` that never end (bench rooms kept busy): audited like the others, not expected to finish. */
  readonly endless = new Set<string>();
  readonly conversations = new Set<string>();
  private stopped = false;
  private pump: NodeJS.Timeout;

  /** `servers()` lists the URLs to connect to now, in the order to try; a player moves along it. */
  constructor(private readonly servers: () => string[]) {
    this.pump = setInterval(() => this.retryPending(), 200);
  }

  async join(name: string, serverIndex = 0): Promise<Player> {
    const url = this.servers()[serverIndex % this.servers().length];
    const response = await request(url).post('/auth/guest').send({ displayName: name }).expect(201);
    const player = new Player(this, name, response.body.token as string, response.body.user.id as string);
    this.players.push(player);
    await this.connect(player, serverIndex);
    return player;
  }

  /** Sends a request of the protocol, recorded and retried until it gets a final answer. */
  send<T = unknown>(
    player: Player,
    event: ClientEvent,
    payload: Record<string, unknown>,
    idField: 'actionId' | 'clientMsgId',
  ): Promise<Ack<T> | undefined> {
    const id = player.nextId(event.replace(/\W/g, ''));
    const sent: Sent = {
      player,
      event,
      id,
      payload: { ...payload, [idField]: id },
      answers: [],
      attempts: 0,
      inFlight: false,
    };
    player.sent.push(sent);
    return this.emit(sent) as Promise<Ack<T> | undefined>;
  }

  /** Sends an already answered request again, with its id and payload (a client retrying on its own). */
  async resend(sent: Sent): Promise<Ack | undefined> {
    const socket = sent.player.socket;
    if (!socket?.connected) return undefined;
    return (await socket.timeout(10_000).emitWithAck(sent.event, sent.payload)) as Ack;
  }

  /** Every request answered for good (the servers are up); throws with what is still open after `ms`. */
  async settle(ms: number): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      const open = this.players.flatMap((p) => p.sent).filter((sent) => !finalAnswer(sent));
      if (open.length === 0) return;
      if (Date.now() > until)
        throw new Error(
          `${open.length} requests still unanswered (players connected: ${this.players.filter((p) => p.socket?.connected).length} of ${this.players.length}; ` +
            `attempts of the first: ${open[0].attempts}, in flight: ${open.filter((o) => o.inFlight).length}), e.g. ${JSON.stringify(open[0].payload)}: ${JSON.stringify(open[0].answers)}`,
        );
      await sleep(100);
    }
  }

  close(): void {
    this.stopped = true;
    clearInterval(this.pump);
    for (const player of this.players) player.socket?.disconnect();
  }

  private async emit(sent: Sent): Promise<Ack | undefined> {
    const socket = sent.player.socket;
    if (this.stopped || sent.inFlight || !socket?.connected) return undefined;
    sent.inFlight = true;
    sent.attempts += 1;
    try {
      const answer = (await socket.timeout(10_000).emitWithAck(sent.event, sent.payload)) as Ack;
      sent.answers.push(answer);
      // The sender's own message comes back in its ack only (chat:message goes to the other sockets).
      if (answer.ok && sent.event === 'chat:send') sent.player.seenMessage(answer.data as ChatMessage);
      return finalAnswer(sent);
    } catch {
      return undefined; // no answer (the server went away): retried after the player reconnects
    } finally {
      sent.inFlight = false;
    }
  }

  private retryPending(): void {
    for (const player of this.players) {
      if (!player.socket?.connected || (player.socket as Socket & { resyncing?: boolean }).resyncing) continue;
      for (const sent of player.sent) if (!finalAnswer(sent) && !sent.inFlight) void this.emit(sent);
    }
  }

  private async connect(player: Player, start: number): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      const servers = this.servers();
      if (servers.length === 0) {
        await sleep(100); // every server is down for now
        continue;
      }
      const url = servers[(start + attempt) % servers.length];
      const socket = io(url, {
        auth: { token: player.token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      const connected = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
      if (!connected) {
        socket.close();
        await sleep(100);
        continue;
      }
      (socket as Socket & { resyncing?: boolean }).resyncing = true;
      player.socket = socket;
      const views = new ViewTracker();
      player.server = url;
      socket.on('room:update', (update: RoomUpdate) => {
        for (const event of update.events) player.seenRoom(update.roomId, event.seq);
        const viewed = views.follow(update);
        if (viewed) player.act(viewed.view);
        // A patch on a view this socket does not hold: it missed an update, and rejoins for the whole view.
        else if (update.patch && !(socket as Socket & { resyncing?: boolean }).resyncing)
          void this.rejoin(player, socket, views, update.roomId);
      });
      socket.on('chat:message', (message: ChatMessage) => player.seenMessage(message));
      socket.on('server:shutdown', () => (player.shutdownNotices += 1));
      socket.once('disconnect', () => {
        player.server = null;
        if (this.stopped) return;
        player.reconnects += 1;
        void this.connect(player, start + attempt + 1);
      });
      await this.resync(player, socket, views);
      (socket as Socket & { resyncing?: boolean }).resyncing = false;
      return;
    }
  }

  /** After a (re)connect: rejoin every room with the last seq seen, and fetch the chat missed. */
  private async resync(player: Player, socket: Socket, views: ViewTracker): Promise<void> {
    for (const roomId of player.roomSeqs.keys()) await this.rejoin(player, socket, views, roomId);
    await this.resyncChat(player, socket);
  }

  /** room:rejoin with the last seq seen: the events missed, and the whole view the next patches apply to. */
  private async rejoin(player: Player, socket: Socket, views: ViewTracker, roomId: string): Promise<void> {
    const reply = (await socket
      .timeout(10_000)
      .emitWithAck('room:rejoin', { roomId, lastSeq: player.lastSeq.get(roomId) ?? 0 })
      .catch(() => null)) as Ack<RejoinReply> | null;
    if (!reply?.ok) return;
    if (reply.data.events) for (const event of reply.data.events as RoomEventView[]) player.seenRoom(roomId, event.seq);
    views.seed(reply.data.view);
    player.act(reply.data.view);
  }

  /** chat:sync from each conversation's cursor until nothing more is missing. */
  async resyncChat(player: Player, socket = player.socket): Promise<void> {
    if (!socket) return;
    for (let more = true; more;) {
      const cursors = [...this.conversations].map((conversationId) => ({
        conversationId,
        afterSeq: player.chatCursor(conversationId),
      }));
      const reply = (await socket
        .timeout(10_000)
        .emitWithAck('chat:sync', { cursors })
        .catch(() => null)) as Ack<{ conversations: Array<{ messages: ChatMessage[]; hasMore: boolean }> }> | null;
      if (!reply?.ok) return;
      for (const conversation of reply.data.conversations)
        for (const message of conversation.messages) player.seenMessage(message);
      more = reply.data.conversations.some((c) => c.hasMore && c.messages.length > 0);
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The rooms' pending deadlines now: each must fire once later, unless something else moves the room first. */
export async function pendingDeadlines(db: Client, roomIds: string[]) {
  const { rows } = await db.query<{ id: string; deadline: string; at: Date; version: number }>(
    `SELECT id, next_deadline_id AS deadline, next_deadline_at AS at, version FROM rooms WHERE id = ANY($1) AND next_deadline_id IS NOT NULL`,
    [roomIds],
  );
  return rows;
}

/**
 * What the database and the players say after the faults, checked against what each player was told:
 * returns the problems found (none is the point) and counts for the test's report.
 */
export async function audit(
  db: Client,
  crowd: Crowd,
  deadlinesAtFaults: Array<{ id: string; deadline: string; at: Date; version: number }>,
  { finished = true } = {},
): Promise<{ problems: string[]; counts: Record<string, number> }> {
  const problems: string[] = [];
  const all = crowd.players.flatMap((p) => p.sent);
  const acknowledged = all.filter((sent) => finalAnswer(sent)?.ok);
  const counts: Record<string, number> = {
    requests: all.length,
    acknowledged: acknowledged.length,
    retried: all.filter((sent) => sent.attempts > 1).length,
    refused: all.filter((sent) => finalAnswer(sent) && !finalAnswer(sent)!.ok).length,
  };

  // Acknowledged: present exactly once, as acknowledged; every answer of one id is the same.
  for (const sent of acknowledged) {
    const answer = finalAnswer(sent) as { ok: true; data: Record<string, unknown> };
    const oks = sent.answers.filter((a) => a.ok) as Array<{ ok: true; data: Record<string, unknown> }>;
    if (sent.event === 'chat:send') {
      const { rows } = await db.query(
        `SELECT id, seq::int AS seq FROM messages WHERE sender_id = $1 AND client_msg_id = $2`,
        [sent.player.userId, sent.id],
      );
      if (rows.length !== 1 || rows[0].id !== answer.data.id || rows[0].seq !== answer.data.seq)
        problems.push(
          `message ${sent.id}: acknowledged as ${JSON.stringify(answer.data.seq)}, stored ${JSON.stringify(rows)}`,
        );
      if (oks.some((a) => a.data.id !== answer.data.id)) problems.push(`message ${sent.id} answered differently`);
    } else if (sent.event === 'game:action' || sent.event.startsWith('room:')) {
      const roomId = (answer.data.roomId ?? sent.payload.roomId) as string;
      const { rows } = await db.query(`SELECT seq FROM room_events WHERE room_id = $1 AND action_id = $2`, [
        roomId,
        `${sent.player.userId}:${sent.id}`,
      ]);
      if (typeof answer.data.seq === 'number' && (rows.length !== 1 || rows[0].seq !== answer.data.seq))
        problems.push(
          `${sent.event} ${sent.id}: acknowledged as seq ${String(answer.data.seq)}, stored ${JSON.stringify(rows)}`,
        );
      if (oks.some((a) => a.data.seq !== answer.data.seq))
        problems.push(`${sent.event} ${sent.id} answered differently`);
    }
  }

  // A retry of an acknowledged id, now, answers the first result.
  const sample = acknowledged.filter((sent) => sent.event === 'chat:send' || sent.event === 'game:action').slice(0, 40);
  for (const sent of sample) {
    const again = await crowd.resend(sent);
    const first = finalAnswer(sent) as { ok: true; data: Record<string, unknown> };
    if (!again?.ok || again.data === undefined || (again.data as Record<string, unknown>).seq !== first.data.seq)
      problems.push(`retry of ${sent.id} answered ${JSON.stringify(again)} instead of seq ${String(first.data.seq)}`);
  }
  counts.retriedAfterwards = sample.length;

  // Gapless seqs per room; the snapshot is the last event (nothing half-applied); every room finished.
  const roomIds = [...crowd.rooms];
  for (const roomId of roomIds) {
    const { rows } = await db.query<{ seq: number }>(`SELECT seq FROM room_events WHERE room_id = $1 ORDER BY seq`, [
      roomId,
    ]);
    const seqs = rows.map((r) => r.seq);
    if (seqs.some((seq, i) => seq !== i + 1)) problems.push(`room ${roomId}: seqs not gapless`);
    const room = await db.query(`SELECT version, (state->>'seq')::int AS seq, phase FROM rooms WHERE id = $1`, [
      roomId,
    ]);
    const { version, seq, phase } = room.rows[0];
    if (version !== seqs.length || seq !== seqs.length)
      problems.push(`room ${roomId}: snapshot ${version}/${seq}, ${seqs.length} events`);
    if (finished && !crowd.endless.has(roomId) && phase !== 'finished')
      problems.push(`room ${roomId} did not play to the end (phase ${phase})`);
    // Every player of the room was shown every event from its first one on (missed nothing).
    for (const player of crowd.players) {
      const seen = player.roomSeqs.get(roomId);
      if (!seen || seen.size === 0) continue;
      const from = Math.min(...seen);
      const missing = seqs.filter((s) => s >= from && !seen.has(s));
      if (missing.length > 0)
        problems.push(`${player.name} missed room ${roomId} seqs ${missing.slice(0, 5).join(',')}`);
    }
  }
  counts.roomEvents = (await db.query(`SELECT count(*)::int AS n FROM room_events WHERE room_id = ANY($1)`, [roomIds]))
    .rows[0].n as number;

  // Each deadline pending at a fault fired once, or was overtaken by an action that moved the room on.
  // A bot turn (`bot:<seq>`) is planned again from whatever state comes next, so only "not twice" holds it.
  for (const pending of deadlinesAtFaults) {
    const fired = await db.query(`SELECT seq FROM room_events WHERE room_id = $1 AND action_id = $2`, [
      pending.id,
      `deadline:${pending.deadline}`,
    ]);
    if (fired.rows.length > 1) problems.push(`deadline ${pending.deadline} fired ${fired.rows.length} times`);
    // Not fired: then an action must have moved the room on first (a starved sweeper may fire late, and an
    // action committed before it makes the timeout stale, as the game says); never the room left waiting.
    if (fired.rows.length === 0 && !pending.deadline.startsWith('bot:')) {
      const earlier = await db.query(
        `SELECT 1 FROM room_events WHERE room_id = $1 AND seq = $2 + 1 AND action_id IS DISTINCT FROM $3 LIMIT 1`,
        [pending.id, pending.version, `deadline:${pending.deadline}`],
      );
      if (earlier.rows.length === 0) problems.push(`deadline ${pending.deadline} of room ${pending.id} never fired`);
    }
  }
  counts.deadlinesAtFaults = deadlinesAtFaults.length;
  counts.deadlinesFired = (
    await db.query(
      `SELECT count(*)::int AS n FROM room_events WHERE room_id = ANY($1) AND action_id LIKE 'deadline:%'`,
      [roomIds],
    )
  ).rows[0].n as number;

  // Gapless seqs per conversation, and every member has every message.
  for (const conversationId of crowd.conversations) {
    const { rows } = await db.query<{ seq: number }>(
      `SELECT seq::int AS seq FROM messages WHERE conversation_id = $1 ORDER BY seq`,
      [conversationId],
    );
    if (rows.some((row, i) => row.seq !== i + 1)) problems.push(`conversation ${conversationId}: seqs not gapless`);
    const last = await db.query(`SELECT last_seq::int AS n FROM conversations WHERE id = $1`, [conversationId]);
    if (last.rows[0].n !== rows.length)
      problems.push(`conversation ${conversationId}: last_seq ${last.rows[0].n}, ${rows.length} messages`);
    for (const player of crowd.players) {
      const cursor = player.chatCursor(conversationId);
      if (cursor < rows.length)
        problems.push(`${player.name} has conversation messages up to ${cursor} of ${rows.length}`);
    }
    counts.messages = (counts.messages ?? 0) + rows.length;
  }
  return { problems, counts };
}

export const PLAY_ENV = {
  THROTTLE_USER_LIMIT: '100000',
  THROTTLE_IP_LIMIT: '100000',
  THROTTLE_AUTH_LIMIT: '100000',
  DEADLINE_SWEEP_INTERVAL_MS: '50',
  DEADLINE_LEASE_MS: '1000',
  BOT_DELAY_MS: '50',
  ROOM_PRESENCE_SWEEP_MS: '60000',
  DATABASE_POOL_SIZE: '6',
  // A key claimed by a process that was killed frees for the retry after this (30 s by default).
  IDEMPOTENCY_LEASE_MS: '2000',
};
export const ROAST = { rounds: 8, roundMs: 1200, votingMs: 1200, intermissionMs: 100 };
export const MAFIA = { nightMs: 1200, discussionMs: 800, votingMs: 1200, maxDays: 4 };

/** Two roast rooms (two players, two bots each) and a mafia room (two players, four bots), and a group chat. */
export async function setUpPlay(
  crowd: Crowd,
  players: Player[],
  url: string,
  { roast = ROAST, mafia = MAFIA }: { roast?: object; mafia?: object } = {},
): Promise<void> {
  const ok = async <T>(promise: Promise<unknown>): Promise<T> => {
    const answer = (await promise) as { ok: boolean; data: T } | undefined;
    if (!answer?.ok) throw new Error(`set-up request failed: ${JSON.stringify(answer)}`);
    return answer.data;
  };
  const tables: Array<{ gameId: string; seats: number; options: object }> = [
    { gameId: 'roast', seats: 4, options: roast },
    { gameId: 'roast', seats: 4, options: roast },
    { gameId: 'mafia', seats: 6, options: mafia },
  ];
  for (const [i, table] of tables.entries()) {
    const [host, guest] = [players[2 * i], players[2 * i + 1]];
    const room = await ok<{ roomId: string; view: { seq: number } }>(
      crowd.send(
        host,
        'room:create',
        { gameId: table.gameId, seatCount: table.seats, options: table.options },
        'actionId',
      ),
    );
    crowd.rooms.add(room.roomId);
    host.follow(room.roomId);
    await ok(crowd.send(guest, 'room:join', { roomId: room.roomId }, 'actionId'));
    guest.follow(room.roomId);
    await ok(crowd.send(host, 'room:add-bots', { roomId: room.roomId, upTo: table.seats }, 'actionId'));
  }
  const group = await request(url)
    .post('/conversations')
    .set('Authorization', `Bearer ${players[0].token}`)
    .send({ title: 'Through faults', memberIds: players.slice(1).map((p) => p.userId) })
    .expect(201);
  crowd.conversations.add(group.body.id as string);
  for (const player of players) await crowd.resyncChat(player);
  for (const [i, roomId] of [...crowd.rooms].entries())
    await ok(crowd.send(players[2 * i], 'room:start', { roomId }, 'actionId'));
}

/** Every player says something every ~400 ms until `chatting()` is false. */
export function chatter(crowd: Crowd, players: Player[], chatting: () => boolean): Promise<void> {
  const [conversationId] = crowd.conversations;
  return Promise.all(
    players.map(async (player, i) => {
      await sleep(i * 25);
      for (let n = 0; chatting(); n += 1) {
        void crowd.send(player, 'chat:send', { conversationId, body: `${player.name} says ${n}` }, 'clientMsgId');
        await sleep(400);
      }
    }),
  ).then(() => undefined);
}

/** Waits until every room of the crowd is finished in the database. */
export async function playedToTheEnd(db: Client, roomIds: string[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const { rows } = await db.query(`SELECT id, phase FROM rooms WHERE id = ANY($1) AND phase <> 'finished'`, [
      roomIds,
    ]);
    if (rows.length === 0) return;
    if (Date.now() > until) throw new Error(`rooms still playing after ${ms} ms: ${JSON.stringify(rows)}`);
    await sleep(250);
  }
}
