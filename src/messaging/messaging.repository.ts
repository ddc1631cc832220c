import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DatabaseError, type Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { HistoryMessage, MessageRef } from '../common/ports/history.port';
import { TransactionHost } from '../database/transaction-host';
import type { ConversationKind, MemberRole } from './domain/conversation';
import type { HistoryPlan } from './domain/history';
import type { WelcomeState } from './domain/welcome';
import type { ChatMessage, ConversationSummary, MemberView, MyConversation, SyncCursor } from './messaging.types';

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  sender_id: string;
  client_msg_id: string;
  body: string;
  created_at: Date;
}

interface ConversationRow {
  id: string;
  kind: ConversationKind;
  title: string | null;
  room_id: string | null;
  channel: string | null;
  team_id: string | null;
  last_seq: string;
  created_at: Date;
}

const CONVERSATION_COLUMNS = 'c.id, c.kind, c.title, c.room_id, c.channel, c.team_id, c.last_seq, c.created_at';
const MESSAGE_COLUMNS = 'id, conversation_id, seq, sender_id, client_msg_id, body, created_at';

/**
 * A room channel that is not the whole room's (a game's private channel) lives as long as the room, but a
 * member reads only what was said since it last joined: a later game's members never read an earlier game's.
 * (Unqualified columns are the messages row's.)
 */
const VISIBLE_TO_READER = (readerParam: string) => `NOT EXISTS (
  SELECT 1 FROM conversations pc
  JOIN conversation_members pm ON pm.conversation_id = pc.id AND pm.user_id = ${readerParam}
  WHERE pc.id = messages.conversation_id AND pc.kind = 'room' AND NOT pc.everyone AND messages.created_at < pm.joined_at)`;

/**
 * What a live member (m) may do in its conversation (c) now, as the rows say: in a room channel the game
 * sets each seat's flags, and spectators share the channel's `spectators` rule; elsewhere both are true.
 */
const MAY_READ = (m: string, c: string) =>
  `CASE WHEN ${m}.role = 'spectator' THEN ${c}.spectators IN ('read', 'write') ELSE ${m}.can_read END`;
const MAY_WRITE = (m: string, c: string) =>
  `CASE WHEN ${m}.role = 'spectator' THEN ${c}.spectators = 'write' ELSE ${m}.can_write END`;

/**
 * The group commit (see sendBatch). One pass over the inputs finds each one's conversation, the sender's
 * live membership (by primary key) and a stored copy of the message; the admitted ones take consecutive
 * seqs per conversation under its row lock, taken in id order; every input comes back, in input order,
 * with what happened to it.
 */
const SEND_BATCH = {
  name: 'arena_chat_send_batch_v1',
  /** The largest batch sent as the named statement, with the plan PostgreSQL keeps for it. */
  keptPlanUpTo: 32,
  /**
   * The largest batch sent to the chat_send_batch function instead (its migration says why): below this
   * size the function's small fixed cost wins, above it the statement's lower cost per message.
   */
  functionUpTo: 8,
  functionCall: {
    name: 'arena_chat_send_function_v1',
    text: 'SELECT * FROM chat_send_batch($1, $2, $3, $4, $5) ORDER BY ord',
  },
  text: `WITH input AS (
    SELECT i.ord, i.conversation_id, i.sender_id, i.client_msg_id, i.body, c.kind, m.user_id IS NOT NULL AS is_member,
           e.id AS e_id, e.conversation_id AS e_conversation_id, e.seq AS e_seq, e.body AS e_body, e.created_at AS e_created_at,
           m.user_id IS NOT NULL AND (i.rule_checked OR c.kind <> 'room') AND e.id IS NULL AND ${MAY_WRITE('m', 'c')} AS admit,
           m.user_id IS NOT NULL AND (i.rule_checked OR c.kind <> 'room') AND e.id IS NULL AND NOT ${MAY_WRITE('m', 'c')} AS closed
    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::boolean[])
           WITH ORDINALITY AS i (conversation_id, sender_id, client_msg_id, body, rule_checked, ord)
    LEFT JOIN conversations c ON c.id = i.conversation_id
    LEFT JOIN conversation_members m ON m.conversation_id = i.conversation_id AND m.user_id = i.sender_id AND m.left_at IS NULL
    LEFT JOIN messages e ON e.sender_id = i.sender_id AND e.client_msg_id = i.client_msg_id
  ),
  admitted AS (
    SELECT conversation_id, sender_id, client_msg_id, body, row_number() OVER (PARTITION BY conversation_id ORDER BY ord) AS k
    FROM input WHERE admit
  ),
  locked AS (
    SELECT c.id, a.n
    FROM conversations c JOIN (SELECT conversation_id, count(*) AS n FROM admitted GROUP BY conversation_id) a ON a.conversation_id = c.id
    ORDER BY c.id FOR NO KEY UPDATE OF c
  ),
  bumped AS (
    UPDATE conversations c SET last_seq = c.last_seq + l.n FROM locked l WHERE c.id = l.id
    RETURNING c.id, c.last_seq - l.n AS base
  ),
  inserted AS (
    INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body)
    SELECT a.conversation_id, b.base + a.k, a.sender_id, a.client_msg_id, a.body FROM admitted a JOIN bumped b ON b.id = a.conversation_id
    RETURNING ${MESSAGE_COLUMNS}
  )
  SELECT i.ord, i.kind, i.is_member,
         CASE WHEN ins.id IS NOT NULL THEN 'sent' WHEN i.e_id IS NOT NULL THEN 'duplicate' WHEN i.closed THEN 'closed' END AS outcome,
         coalesce(ins.id, i.e_id) AS id, coalesce(ins.conversation_id, i.e_conversation_id) AS conversation_id,
         coalesce(ins.seq, i.e_seq) AS seq, i.sender_id, i.client_msg_id, coalesce(ins.body, i.e_body) AS body,
         coalesce(ins.created_at, i.e_created_at) AS created_at
  FROM input i LEFT JOIN inserted ins ON ins.sender_id = i.sender_id AND ins.client_msg_id = i.client_msg_id
  ORDER BY i.ord`,
};

export interface NewMessage {
  conversationId: string;
  senderId: string;
  clientMsgId: string;
  body: string;
  /**
   * Room channels are only written once the content policy judged the message with the room's id (its
   * staged rollout is per room); the send then checks the member's write flag itself.
   */
  roomRuleChecked: boolean;
}

export type SendOutcome =
  | { outcome: 'sent' | 'duplicate'; message: ChatMessage }
  | { outcome: 'not_found' | 'not_member' | 'needs_rule' | 'closed' };

/** What the service needs to decide a caller's access to a conversation. */
export interface ConversationAccess {
  conversation: ConversationSummary;
  /** The caller's live membership and what it may do now, or null when the caller is not (or no longer) a member. */
  member: { role: MemberRole; readSeq: number; read: boolean; write: boolean } | null;
}

export interface WelcomeRow {
  state: WelcomeState;
  fetchedAt: Date | null;
  confirmedAt: Date | null;
  package: unknown;
  now: Date;
}

/**
 * All of messaging's SQL. Sends are one statement (one round trip) that allocates the next seq under the
 * conversation's row lock and inserts the message; membership changes are idempotent by construction.
 */
@Injectable()
export class MessagingRepository {
  constructor(
    private readonly tx: TransactionHost,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** True inside an enclosing transaction (a REST request with an Idempotency-Key): results are final only at its commit. */
  inTransaction(): boolean {
    return this.tx.manager.queryRunner?.isTransactionActive === true;
  }

  /**
   * Appends a message in one statement: a repeat of (sender, clientMsgId) returns the first message and
   * takes no seq; otherwise `last_seq + 1` is taken under the conversation's row lock (which orders
   * concurrent senders) and the message inserted with it, for a member who may write (else `closed`).
   * Room channels are only written with `roomRuleChecked`.
   *
   * Two copies of one new message racing: the second waits for the first's row lock, then its insert
   * violates UNIQUE (sender_id, client_msg_id) and its whole statement, seq included, rolls back; run
   * again, it finds the first message. So seqs stay gapless.
   */
  async send(input: NewMessage): Promise<SendOutcome> {
    const params = [input.conversationId, input.senderId, input.clientMsgId, input.body, input.roomRuleChecked];
    const rows = await this.retryOnDuplicate(() =>
      this.tx.manager.query(
        `WITH existing AS (
           SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = $2 AND client_msg_id = $3
         ),
         target AS (
           SELECT c.id, c.kind, m.user_id IS NOT NULL AS is_member, coalesce(${MAY_WRITE('m', 'c')}, false) AS may_write
           FROM conversations c
           LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2 AND m.left_at IS NULL
           WHERE c.id = $1
         ),
         bumped AS (
           UPDATE conversations c SET last_seq = c.last_seq + 1
           FROM target t
           WHERE c.id = t.id AND t.is_member AND t.may_write AND ($5 OR t.kind <> 'room') AND NOT EXISTS (SELECT 1 FROM existing)
           RETURNING c.id, c.last_seq
         ),
         inserted AS (
           INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body)
           SELECT id, last_seq, $2, $3, $4 FROM bumped
           RETURNING ${MESSAGE_COLUMNS}
         ),
         result AS (
           SELECT 'sent' AS outcome, * FROM inserted
           UNION ALL
           SELECT 'duplicate' AS outcome, * FROM existing
         )
         SELECT (SELECT kind FROM target) AS kind, (SELECT is_member FROM target) AS is_member,
                coalesce(r.outcome, (SELECT 'closed' FROM target t WHERE t.is_member AND NOT t.may_write AND ($5 OR t.kind <> 'room'))) AS outcome,
                r.id, r.conversation_id, r.seq, r.sender_id, r.client_msg_id, r.body, r.created_at
         FROM (VALUES (1)) AS one (x) LEFT JOIN result r ON true`,
        params,
      ),
    );
    return toOutcome((rows as SendRow[])[0]);
  }

  /**
   * Appends many messages, to any conversations, in one statement and one commit (outside any enclosing
   * transaction): the group commit behind socket sends. Each input gets the outcome `send` would give it.
   * Messages to one conversation take consecutive seqs in input order. The conversations are locked in id
   * order, as by every statement that locks several of them, so they cannot deadlock each other; with FOR
   * NO KEY UPDATE (what an UPDATE of last_seq takes anyway), members can be added meanwhile. The inputs
   * must not repeat a (sender, clientMsgId). Any failure fails the whole batch and changes nothing (a copy
   * of one of its messages committed by a racing statement, for instance): the caller then sends them one
   * by one with `send`.
   */
  async sendBatch(inputs: NewMessage[]): Promise<SendOutcome[]> {
    // Straight to the pool. A few messages go to the chat_send_batch function, which costs PostgreSQL about
    // half what the statement does for them. Up to keptPlanUpTo, the statement is named: each connection
    // parses it once and PostgreSQL keeps a plan, since planning costs more than running it for a few
    // messages. A big batch is planned for its own size, which beats the kept plan there (see
    // `npm run bench:commit`).
    const client = await ((this.dataSource.driver as PostgresDriver).master as Pool).connect();
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a connection that drops (the server restarting,
    // a backend terminated) would emit an unhandled 'error' and end the process.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      const { rows } = await client.query<SendRow>({
        ...(inputs.length <= SEND_BATCH.functionUpTo
          ? SEND_BATCH.functionCall
          : { name: inputs.length <= SEND_BATCH.keptPlanUpTo ? SEND_BATCH.name : undefined, text: SEND_BATCH.text }),
        values: [
          inputs.map((i) => i.conversationId),
          inputs.map((i) => i.senderId),
          inputs.map((i) => i.clientMsgId),
          inputs.map((i) => i.body),
          inputs.map((i) => i.roomRuleChecked),
        ],
      });
      return rows.map(toOutcome);
    } catch (error) {
      // An error PostgreSQL answered (a racing copy's unique violation) leaves the connection, and the
      // statement it prepared, fit to reuse; anything else (the connection dropped) retires it.
      if (!(error instanceof DatabaseError)) broken = error as Error;
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** Where a message stands (for moderation's report context): sender, conversation, seq and room. */
  async messageRef(messageId: string): Promise<MessageRef | null> {
    const rows: Array<{ id: string; sender_id: string; conversation_id: string; seq: string; room_id: string | null }> =
      await this.tx.manager.query(
        `SELECT m.id, m.sender_id, m.conversation_id, m.seq, c.room_id
       FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1`,
        [messageId],
      );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          senderId: row.sender_id,
          conversationId: row.conversation_id,
          seq: Number(row.seq),
          roomId: row.room_id,
        }
      : null;
  }

  /** The messages `around` either side of `seq` in one conversation, in order. */
  async messagesAround(conversationId: string, seq: number, around: number): Promise<HistoryMessage[]> {
    const rows: Array<{ id: string; seq: string; sender_id: string; body: string; created_at: Date }> =
      await this.tx.manager.query(
        `SELECT id, seq, sender_id, body, created_at FROM messages
       WHERE conversation_id = $1 AND seq BETWEEN $2::bigint - $3 AND $2::bigint + $3
       ORDER BY seq`,
        [conversationId, seq, around],
      );
    return rows.map((row) => ({
      id: row.id,
      seq: Number(row.seq),
      senderId: row.sender_id,
      body: row.body,
      createdAt: row.created_at.toISOString(),
    }));
  }

  async findMessageByClientMsgId(senderId: string, clientMsgId: string): Promise<ChatMessage | null> {
    const rows: MessageRow[] = await this.tx.manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = $1 AND client_msg_id = $2`,
      [senderId, clientMsgId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** The conversation and the caller's live membership in it; null when the conversation does not exist. */
  async access(conversationId: string, userId: string): Promise<ConversationAccess | null> {
    const rows: AccessRow[] = await this.tx.manager.query(
      `SELECT ${ACCESS_COLUMNS}
       FROM conversations c
       LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2 AND m.left_at IS NULL
       WHERE c.id = $1`,
      [conversationId, userId],
    );
    return rows[0] ? toAccess(rows[0]) : null;
  }

  async history(conversationId: string, plan: HistoryPlan, readerId: string): Promise<ChatMessage[]> {
    const rows: MessageRow[] = await this.tx.manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq < $3) AND ${VISIBLE_TO_READER('$5')}
       ORDER BY seq ${plan.order === 'asc' ? 'ASC' : 'DESC'}
       LIMIT $4`,
      [conversationId, plan.after, plan.before, plan.fetch, readerId],
    );
    return rows.map(toMessage);
  }

  /** For each cursor the caller is a live member of: up to `fetch` messages after it, ascending. */
  async messagesSince(userId: string, cursors: SyncCursor[], fetch: number): Promise<ChatMessage[]> {
    if (cursors.length === 0) return [];
    const rows: MessageRow[] = await this.tx.manager.query(
      `SELECT x.* FROM unnest($2::uuid[], $3::bigint[]) AS k (conversation_id, after_seq)
       JOIN conversation_members m ON m.conversation_id = k.conversation_id AND m.user_id = $1 AND m.left_at IS NULL
       CROSS JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE conversation_id = k.conversation_id AND seq > k.after_seq AND ${VISIBLE_TO_READER('$1')}
         ORDER BY seq LIMIT $4
       ) x
       ORDER BY x.conversation_id, x.seq`,
      [userId, cursors.map((c) => c.conversationId), cursors.map((c) => c.afterSeq), fetch],
    );
    return rows.map(toMessage);
  }

  /** The caller's live memberships among these conversations, with everything the access rules need. */
  async accessMany(conversationIds: string[], userId: string): Promise<ConversationAccess[]> {
    if (conversationIds.length === 0) return [];
    const rows: AccessRow[] = await this.tx.manager.query(
      `SELECT ${ACCESS_COLUMNS}
       FROM conversations c
       LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2 AND m.left_at IS NULL
       WHERE c.id = ANY($1::uuid[])`,
      [conversationIds, userId],
    );
    return rows.map(toAccess);
  }

  async lastMessages(conversationId: string, count: number, readerId: string): Promise<ChatMessage[]> {
    if (count === 0) return [];
    const rows: MessageRow[] = await this.tx.manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND ${VISIBLE_TO_READER('$3')} ORDER BY seq DESC LIMIT $2`,
      [conversationId, count, readerId],
    );
    return rows.map(toMessage).reverse();
  }

  async createConversation(input: {
    kind: 'group' | 'team';
    createdBy: string | null;
    title?: string | null;
    teamId?: string;
  }): Promise<ConversationSummary> {
    const rows: ConversationRow[] = await this.tx.manager.query(
      `INSERT INTO conversations AS c (kind, created_by, title, team_id)
       VALUES ($1, $2, $3, $4)
       RETURNING ${CONVERSATION_COLUMNS}`,
      [input.kind, input.createdBy, input.title ?? null, input.teamId ?? null],
    );
    return toConversation(rows[0]);
  }

  /** The direct conversation of a pair, created on first use; concurrent first uses get the same one. */
  async findOrCreateDirect(
    key: string,
    createdBy: string,
  ): Promise<{ conversation: ConversationSummary; created: boolean }> {
    const inserted: ConversationRow[] = await this.tx.manager.query(
      `INSERT INTO conversations AS c (kind, direct_key, created_by) VALUES ('direct', $1, $2)
       ON CONFLICT (direct_key) DO NOTHING
       RETURNING ${CONVERSATION_COLUMNS}`,
      [key, createdBy],
    );
    if (inserted[0]) return { conversation: toConversation(inserted[0]), created: true };
    const existing: ConversationRow[] = await this.tx.manager.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.direct_key = $1`,
      [key],
    );
    return { conversation: toConversation(existing[0]), created: false };
  }

  /** The room and channel of a room channel; null for any other conversation (or none). */
  async roomChannelOf(conversationId: string): Promise<{ roomId: string; channel: string } | null> {
    const rows: Array<{ room_id: string; channel: string }> = await this.tx.manager.query(
      `SELECT room_id, channel FROM conversations WHERE id = $1 AND kind = 'room'`,
      [conversationId],
    );
    return rows[0] ? { roomId: rows[0].room_id, channel: rows[0].channel } : null;
  }

  async ensureTeamConversation(teamId: string, title: string | null): Promise<string> {
    const rows: Array<{ id: string }> = await this.tx.manager.query(
      `WITH made AS (
         INSERT INTO conversations (kind, team_id, title) VALUES ('team', $1, $2)
         ON CONFLICT (team_id) DO NOTHING
         RETURNING id
       )
       SELECT id FROM made UNION ALL SELECT id FROM conversations WHERE team_id = $1`,
      [teamId, title],
    );
    if (rows[0]) return rows[0].id;
    return this.ensureTeamConversation(teamId, title);
  }

  /** Whether the live members of a team's conversation may write; false while a CHSH round of the team is open. */
  async setTeamWritable(teamId: string, writable: boolean): Promise<void> {
    await this.tx.manager.query(
      `UPDATE conversation_members m SET can_write = $2
       FROM conversations c
       WHERE c.team_id = $1 AND m.conversation_id = c.id AND m.left_at IS NULL AND m.can_write <> $2`,
      [teamId, writable],
    );
  }

  /** A member who just joined a team's conversation writes only when its teammates may (a closed chat stays closed). */
  async matchTeamWriteAccess(conversationId: string, userId: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE conversation_members m SET can_write = false
       WHERE m.conversation_id = $1 AND m.user_id = $2 AND m.left_at IS NULL AND m.can_write
         AND EXISTS (SELECT 1 FROM conversation_members o WHERE o.conversation_id = $1 AND o.user_id <> $2
                     AND o.left_at IS NULL AND NOT o.can_write)`,
      [conversationId, userId],
    );
  }

  async teamConversation(teamId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.tx.manager.query(`SELECT id FROM conversations WHERE team_id = $1`, [
      teamId,
    ]);
    return rows[0]?.id ?? null;
  }

  /**
   * Adds users, idempotently: a live member is left as is (the ON CONFLICT ... WHERE matches nothing),
   * a former member is taken back. Returns only the users this statement made members. With `welcome`,
   * each of them gets a pending welcome package in the same statement. Ids are sorted so that concurrent
   * adds take the same locks in the same order.
   */
  async addMembers(conversationId: string, userIds: string[], role: MemberRole, welcome: boolean): Promise<string[]> {
    const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].sort();
    if (ids.length === 0) return [];
    const rows: Array<{ user_id: string }> = await this.tx.manager.query(
      `WITH joined AS (
         INSERT INTO conversation_members AS m (conversation_id, user_id, role)
         SELECT $1, u, $3 FROM unnest($2::uuid[]) AS u ORDER BY u
         ON CONFLICT (conversation_id, user_id) DO UPDATE
           SET left_at = NULL, joined_at = now(), role = EXCLUDED.role
           WHERE m.left_at IS NOT NULL
         RETURNING m.user_id
       ),
       welcomed AS (
         INSERT INTO welcome_packages AS w (conversation_id, user_id)
         SELECT $1, user_id FROM joined WHERE $4
         ON CONFLICT (conversation_id, user_id) DO UPDATE
           SET state = 'pending', package = NULL, fetched_at = NULL, confirmed_at = NULL, created_at = now()
       )
       SELECT user_id FROM joined ORDER BY user_id`,
      [conversationId, ids, role, welcome],
    );
    return rows.map((r) => r.user_id);
  }

  /** Sets left_at once: only a live membership matches, so of any number of concurrent leaves one takes effect. */
  async leave(conversationId: string, userId: string): Promise<{ leftAt: Date; changed: boolean } | null> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [changed]: [Array<{ left_at: Date }>, number] = await this.tx.manager.query(
      `UPDATE conversation_members SET left_at = now() WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL RETURNING left_at`,
      [conversationId, userId],
    );
    if (changed[0]) return { leftAt: changed[0].left_at, changed: true };
    const earlier: Array<{ left_at: Date | null }> = await this.tx.manager.query(
      `SELECT left_at FROM conversation_members WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return earlier[0]?.left_at ? { leftAt: earlier[0].left_at, changed: false } : null;
  }

  /** Live members not in `keep` (for syncing a channel to a given list). */
  async membersNotIn(conversationId: string, keep: string[]): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await this.tx.manager.query(
      `SELECT user_id FROM conversation_members WHERE conversation_id = $1 AND left_at IS NULL AND user_id <> ALL($2::uuid[]) ORDER BY user_id`,
      [conversationId, keep],
    );
    return rows.map((r) => r.user_id);
  }

  async countMembers(conversationId: string): Promise<number> {
    const rows: Array<{ count: string }> = await this.tx.manager.query(
      `SELECT count(*) FROM conversation_members WHERE conversation_id = $1 AND left_at IS NULL`,
      [conversationId],
    );
    return Number(rows[0].count);
  }

  async members(conversationId: string): Promise<MemberView[]> {
    const rows: Array<{ user_id: string; display_name: string; role: MemberRole; joined_at: Date }> =
      await this.tx.manager.query(
        `SELECT m.user_id, u.display_name, m.role, m.joined_at
       FROM conversation_members m JOIN users u ON u.id = m.user_id
       WHERE m.conversation_id = $1 AND m.left_at IS NULL
       ORDER BY m.joined_at, m.user_id`,
        [conversationId],
      );
    return rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      role: r.role,
      joinedAt: r.joined_at.toISOString(),
    }));
  }

  async existingUsers(userIds: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.tx.manager.query(`SELECT id FROM users WHERE id = ANY($1::uuid[])`, [
      userIds,
    ]);
    return rows.map((r) => r.id);
  }

  /** Moves the read marker forward only, and never past the newest message. */
  async setReadMarker(
    conversationId: string,
    userId: string,
    seq: number,
  ): Promise<{ readSeq: number; unread: number } | null> {
    const rows: Array<{ read_seq: string; unread: string }> = await this.tx.manager.query(
      `WITH marked AS (
         UPDATE conversation_members m SET read_seq = GREATEST(m.read_seq, LEAST($3::bigint, c.last_seq))
         FROM conversations c
         WHERE c.id = m.conversation_id AND m.conversation_id = $1 AND m.user_id = $2 AND m.left_at IS NULL
         RETURNING m.read_seq
       )
       SELECT read_seq,
              (SELECT count(*) FROM messages x WHERE x.conversation_id = $1 AND x.seq > marked.read_seq AND x.sender_id <> $2) AS unread
       FROM marked`,
      [conversationId, userId, seq],
    );
    return rows[0] ? { readSeq: Number(rows[0].read_seq), unread: Number(rows[0].unread) } : null;
  }

  async myConversations(userId: string): Promise<MyConversation[]> {
    const rows: Array<ConversationRow & { role: MemberRole; read_seq: string; unread: string }> =
      await this.tx.manager.query(
        `SELECT ${CONVERSATION_COLUMNS}, m.role, m.read_seq,
              (SELECT count(*) FROM messages x WHERE x.conversation_id = c.id AND x.seq > m.read_seq AND x.sender_id <> $1) AS unread
       FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.user_id = $1 AND m.left_at IS NULL
       ORDER BY c.created_at, c.id`,
        [userId],
      );
    return rows.map((r) => ({
      ...toConversation(r),
      role: r.role,
      readSeq: Number(r.read_seq),
      unread: Number(r.unread),
    }));
  }

  /** The conversations whose live messages this user's sockets should get: live memberships it may read now. */
  async activeConversationIds(userId: string): Promise<string[]> {
    const rows: Array<{ conversation_id: string }> = await this.tx.manager.query(
      `SELECT m.conversation_id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.user_id = $1 AND m.left_at IS NULL AND ${MAY_READ('m', 'c')}`,
      [userId],
    );
    return rows.map((r) => r.conversation_id);
  }

  /** The caller's welcome, locked for this transaction; null when there is none. */
  async lockWelcome(conversationId: string, userId: string): Promise<WelcomeRow | null> {
    const rows: Array<{
      state: WelcomeState;
      fetched_at: Date | null;
      confirmed_at: Date | null;
      package: unknown;
      now: Date;
    }> = await this.tx.manager.query(
      `SELECT state, fetched_at, confirmed_at, package, now() AS now FROM welcome_packages
         WHERE conversation_id = $1 AND user_id = $2 FOR UPDATE`,
      [conversationId, userId],
    );
    const row = rows[0];
    return row
      ? {
          state: row.state,
          fetchedAt: row.fetched_at,
          confirmedAt: row.confirmed_at,
          package: row.package,
          now: row.now,
        }
      : null;
  }

  async markWelcomeFetched(conversationId: string, userId: string, fetchedAt: Date, pkg: unknown): Promise<void> {
    await this.tx.manager.query(
      `UPDATE welcome_packages SET state = 'fetched', fetched_at = $3, package = $4::json
       WHERE conversation_id = $1 AND user_id = $2 AND state = 'pending'`,
      [conversationId, userId, fetchedAt, JSON.stringify(pkg)],
    );
  }

  async markWelcomeConfirmed(conversationId: string, userId: string): Promise<Date> {
    const [rows]: [Array<{ confirmed_at: Date }>, number] = await this.tx.manager.query(
      `UPDATE welcome_packages SET state = 'confirmed', confirmed_at = now()
       WHERE conversation_id = $1 AND user_id = $2 AND state = 'fetched'
       RETURNING confirmed_at`,
      [conversationId, userId],
    );
    return rows[0].confirmed_at;
  }

  /**
   * Runs `statement` and, when it lost a race on UNIQUE (sender_id, client_msg_id), once more: the first
   * copy is committed by then. Inside an enclosing transaction (a REST request with an Idempotency-Key)
   * a savepoint keeps the failed attempt from aborting it.
   */
  private async retryOnDuplicate<T>(statement: () => Promise<T>): Promise<T> {
    if (!this.inTransaction()) {
      try {
        return await statement();
      } catch (error) {
        if (!isClientMsgIdRace(error)) throw error;
        return statement();
      }
    }
    await this.tx.manager.query('SAVEPOINT chat_send');
    try {
      const result = await statement();
      await this.tx.manager.query('RELEASE SAVEPOINT chat_send');
      return result;
    } catch (error) {
      if (!isClientMsgIdRace(error)) throw error;
      await this.tx.manager.query('ROLLBACK TO SAVEPOINT chat_send');
      return statement();
    }
  }
}

function isClientMsgIdRace(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.code ?? e.driverError?.code;
  const constraint = e.constraint ?? e.driverError?.constraint;
  return code === '23505' && constraint === 'uq_messages_sender_client_msg_id';
}

export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (e.code ?? e.driverError?.code) === '23503' && (e.constraint ?? e.driverError?.constraint) === constraint;
}

type SendRow = MessageRow & {
  outcome: 'sent' | 'duplicate' | 'closed' | null;
  kind: string | null;
  is_member: boolean | null;
};

function toOutcome(row: SendRow): SendOutcome {
  if (row.outcome === 'closed') return { outcome: 'closed' };
  if (row.outcome) return { outcome: row.outcome, message: toMessage(row) };
  if (row.kind === null) return { outcome: 'not_found' };
  if (!row.is_member) return { outcome: 'not_member' };
  return { outcome: 'needs_rule' };
}

export function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientMsgId: row.client_msg_id,
    body: row.body,
    sentAt: new Date(row.created_at).toISOString(),
  };
}

const ACCESS_COLUMNS = `${CONVERSATION_COLUMNS}, m.role, m.read_seq, ${MAY_READ('m', 'c')} AS may_read, ${MAY_WRITE('m', 'c')} AS may_write`;

type AccessRow = ConversationRow & {
  role: MemberRole | null;
  read_seq: string | null;
  may_read: boolean | null;
  may_write: boolean | null;
};

function toAccess(row: AccessRow): ConversationAccess {
  return {
    conversation: toConversation(row),
    member: row.role
      ? { role: row.role, readSeq: Number(row.read_seq), read: row.may_read === true, write: row.may_write === true }
      : null,
  };
}

function toConversation(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    roomId: row.room_id,
    channel: row.channel,
    teamId: row.team_id,
    lastSeq: Number(row.last_seq),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
