import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RoomChatChange } from '../common/events/arena-events';
import type { RoomChatChannel } from './domain/room/room.chat';
import type { MatchRecord } from './domain/room/room.match';
import type {
  RoomCommand,
  RoomPhase,
  RoomSeat,
  RoomState,
  RoomVisibility,
  StoredRoomEvent,
} from './domain/room/room.types';

/** One room's part of a group commit: the version it was read at, its new snapshot, and its new events. */
export interface RoomWrite {
  roomId: string;
  expectedVersion: number;
  state: RoomState;
  events: StoredRoomEvent[];
  nextDeadline: { id: string; at: number } | null;
  /** Mirror the seats into room_seats (only when they changed). */
  seats: RoomSeat[] | null;
  /** The room's chat channels, stored with the events (only when they changed). */
  chat: RoomChatChannel[] | null;
  /** Games these events finished: their match rows are written in the same statement. */
  matches: MatchRecord[];
}

export interface LoadedRoom {
  state: RoomState;
  version: number;
  inviteCode: string | null;
}

export interface OpenRoomRow {
  roomId: string;
  gameId: string;
  name: string;
  phase: RoomPhase;
  visibility: RoomVisibility;
  seated: number;
  seatCount: number;
  createdAt: string;
}

export interface EventRow {
  seq: number;
  rules_version: number;
  type: string;
  actor: string;
  payload: {
    command: RoomCommand;
    events: StoredRoomEvent['events'];
    result: Record<string, unknown>;
    actorSeat: number | null;
    fingerprint: string | null;
    /** Absent in events stored before outcomes were kept. */
    outcome?: StoredRoomEvent['outcome'];
  };
  action_id: string | null;
  at: Date;
}

const EVENT_COLUMNS = 'seq, rules_version, type, actor, payload, action_id, at';

const iso = (ms: number) => new Date(ms).toISOString();

/** A stored event row as the room rules know it. */
export function toStored(row: EventRow): StoredRoomEvent {
  return {
    seq: row.seq,
    rulesVersion: row.rules_version,
    type: row.type as StoredRoomEvent['type'],
    actor: row.actor,
    actorSeat: row.payload.actorSeat,
    command: row.payload.command,
    events: row.payload.events,
    result: row.payload.result,
    actionId: row.action_id,
    fingerprint: row.payload.fingerprint,
    at: row.at.getTime(),
    outcome: row.payload.outcome ?? null,
  };
}

function eventRecord(roomId: string, event: StoredRoomEvent) {
  return {
    room_id: roomId,
    seq: event.seq,
    rules_version: event.rulesVersion,
    type: event.type,
    actor: event.actor,
    payload: {
      command: event.command,
      events: event.events,
      result: event.result,
      actorSeat: event.actorSeat,
      fingerprint: event.fingerprint,
      outcome: event.outcome,
    },
    action_id: event.actionId,
    at: iso(event.at),
  };
}

function seatRecords(roomId: string, seats: RoomSeat[]) {
  return seats.map((seat) => ({
    room_id: roomId,
    seat: seat.seat,
    user_id: seat.userId,
    kind: seat.kind,
    name: seat.name,
    control: seat.control,
    away_until: seat.away ? iso(seat.away.until) : null,
  }));
}

const seatedCount = (state: RoomState) => state.seats.length;

function matchRecord(match: MatchRecord) {
  return {
    id: match.id,
    room_id: match.roomId,
    game_no: match.gameNo,
    game_id: match.gameId,
    rules_version: match.rulesVersion,
    end_seq: match.endSeq,
    started_at: iso(match.startedAt),
    finished_at: iso(match.finishedAt),
    duration_ms: match.durationMs,
    winners: match.winners,
    summary: match.summary,
  };
}

function participantRecords(match: MatchRecord) {
  return match.participants.map((participant) => ({
    match_id: match.id,
    seat: participant.seat,
    // A server bot's synthetic id is no user.
    user_id: participant.userId,
    kind: participant.kind,
    name: participant.name,
    role: participant.role,
    team: participant.team,
    score: participant.score,
    win: participant.win,
    figures: participant.figures,
    game_id: match.gameId,
    finished_at: iso(match.finishedAt),
  }));
}

interface ChatChangeRow {
  conversation_id: string;
  user_id: string;
  change: RoomChatChange['change'];
  readable: boolean;
}

const toChatChange = (row: ChatChangeRow): RoomChatChange => ({
  conversationId: row.conversation_id,
  userId: row.user_id,
  change: row.change,
  readable: row.readable,
});

/** All of the rooms feature's SQL. The hot path (group commit) is one statement per batch of rooms. */
@Injectable()
export class RoomsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Creates a room with its first event, host seat and chat channels in one transaction. With a create
   * key, a repeat by the same host returns the room made the first time instead.
   */
  async createRoom(
    state: RoomState,
    event: StoredRoomEvent,
    inviteCode: string | null,
    createActionId: string | null,
    chat: RoomChatChannel[],
  ): Promise<{ roomId: string; created: boolean; chat: RoomChatChange[] }> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: Array<{ id: string }> = await manager.query(
        `INSERT INTO rooms (id, game_id, name, host_user_id, visibility, invite_code, phase, seat_count, seated, seed, state, version, create_action_id, created_at, updated_at, rules_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $14, $15)
         ON CONFLICT (host_user_id, create_action_id) DO NOTHING
         RETURNING id`,
        [
          state.roomId,
          state.gameId,
          state.name,
          state.hostUserId,
          state.visibility,
          inviteCode,
          state.phase,
          state.settings.seatCount,
          seatedCount(state),
          state.seed,
          JSON.stringify(state),
          state.seq,
          createActionId,
          iso(state.createdAt),
          state.rulesVersion,
        ],
      );
      if (inserted.length === 0) {
        const existing: Array<{ id: string }> = await manager.query(
          `SELECT id FROM rooms WHERE host_user_id = $1 AND create_action_id = $2`,
          [state.hostUserId, createActionId],
        );
        return { roomId: existing[0].id, created: false, chat: [] };
      }
      const record = eventRecord(state.roomId, event);
      await manager.query(
        `INSERT INTO room_events (room_id, seq, rules_version, type, actor, payload, action_id, at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
        [
          record.room_id,
          record.seq,
          record.rules_version,
          record.type,
          record.actor,
          JSON.stringify(record.payload),
          record.action_id,
          record.at,
        ],
      );
      await manager.query(
        `INSERT INTO room_seats (room_id, seat, user_id, kind, name, control, away_until)
         SELECT s.room_id, s.seat, s.user_id, s.kind, s.name, s.control, s.away_until
         FROM jsonb_to_recordset($1::jsonb) AS s(room_id uuid, seat int, user_id uuid, kind text, name text, control text, away_until timestamptz)`,
        [JSON.stringify(seatRecords(state.roomId, state.seats))],
      );
      const changes: ChatChangeRow[] = await manager.query(`SELECT * FROM chat_set_room_channels($1, $2::jsonb)`, [
        state.roomId,
        JSON.stringify(chat),
      ]);
      return { roomId: state.roomId, created: true, chat: changes.map(toChatChange) };
    });
  }

  async loadRoom(roomId: string): Promise<LoadedRoom | null> {
    const rows: Array<{ state: RoomState; version: number; invite_code: string | null }> = await this.dataSource.query(
      `SELECT state, version, invite_code FROM rooms WHERE id = $1`,
      [roomId],
    );
    const row = rows[0];
    return row ? { state: row.state, version: row.version, inviteCode: row.invite_code } : null;
  }

  /** The room's committed version (its last seq), or null when there is no such room. */
  async roomVersion(roomId: string): Promise<number | null> {
    const rows: Array<{ version: number }> = await this.dataSource.query(`SELECT version FROM rooms WHERE id = $1`, [
      roomId,
    ]);
    return rows[0]?.version ?? null;
  }

  async findRoomIdByInvite(inviteCode: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM rooms WHERE invite_code = $1`, [
      inviteCode,
    ]);
    return rows[0]?.id ?? null;
  }

  /**
   * The group commit: every room's snapshot is written only if its version is still the one it was read
   * at, and its events are inserted only for rooms whose write went through, all in one statement (one
   * round trip, one commit). A room whose chat channels changed has them stored by chat's
   * chat_set_room_channels in that same statement, so no client hears of the event before its chat rules
   * hold. Returns the rooms written, each with its chat changes; the others lost a race and must reload.
   */
  async commitBatch(writes: RoomWrite[]): Promise<Map<string, RoomChatChange[]>> {
    const rooms = writes.map((write) => ({
      id: write.roomId,
      expected: write.expectedVersion,
      version: write.state.seq,
      state: write.state,
      phase: write.state.phase,
      seated: seatedCount(write.state),
      seat_count: write.state.settings.seatCount,
      next_at: write.nextDeadline ? iso(write.nextDeadline.at) : null,
      next_id: write.nextDeadline?.id ?? null,
    }));
    const events = writes.flatMap((write) => write.events.map((event) => eventRecord(write.roomId, event)));
    const seatWrites = writes.filter((write) => write.seats !== null);
    const seats = seatWrites.flatMap((write) => seatRecords(write.roomId, write.seats ?? []));
    const chat = writes
      .filter((write) => write.chat !== null)
      .map((write) => ({ room_id: write.roomId, channels: write.chat }));
    // The seat and chat parts go into the statement only when some room in the batch has them: most
    // batches (game moves) change neither, and PostgreSQL plans and runs less for them.
    const params: unknown[] = [JSON.stringify(rooms), JSON.stringify(events)];
    const param = (value: unknown) => `$${params.push(value)}`;
    let parts = '';
    if (seatWrites.length > 0) {
      const seatsParam = param(JSON.stringify(seats));
      const roomsParam = param(seatWrites.map((write) => write.roomId));
      parts += `, new_seats AS (
         SELECT s.* FROM jsonb_to_recordset(${seatsParam}::jsonb)
           AS s(room_id uuid, seat int, user_id uuid, kind text, name text, control text, away_until timestamptz)
          WHERE s.room_id IN (SELECT id FROM written)
       ), gone_seats AS (
         DELETE FROM room_seats rs
          WHERE rs.room_id = ANY(${roomsParam}::uuid[]) AND rs.room_id IN (SELECT id FROM written)
            AND NOT EXISTS (SELECT 1 FROM new_seats s WHERE s.room_id = rs.room_id AND s.seat = rs.seat)
       ), kept_seats AS (
         INSERT INTO room_seats (room_id, seat, user_id, kind, name, control, away_until)
         SELECT room_id, seat, user_id, kind, name, control, away_until FROM new_seats
         ON CONFLICT (room_id, seat) DO UPDATE
           SET user_id = EXCLUDED.user_id, kind = EXCLUDED.kind, name = EXCLUDED.name,
               control = EXCLUDED.control, away_until = EXCLUDED.away_until
       )`;
    }
    let chatColumn = 'NULL::json';
    if (chat.length > 0) {
      parts += `, chat AS MATERIALIZED (
         SELECT ch.room_id, x.*
           FROM (SELECT c.* FROM jsonb_to_recordset(${param(JSON.stringify(chat))}::jsonb) AS c(room_id uuid, channels jsonb)
                  WHERE c.room_id IN (SELECT id FROM written) ORDER BY c.room_id OFFSET 0) ch
           CROSS JOIN LATERAL chat_set_room_channels(ch.room_id, ch.channels) x
       )`;
      chatColumn = `(SELECT json_agg(json_build_object('conversation_id', x.conversation_id, 'user_id', x.user_id, 'change', x.change, 'readable', x.readable))
                       FROM chat x WHERE x.room_id = w.id)`;
    }
    if (writes.some((write) => write.matches.length > 0)) {
      // Games these events finished: their match rows, in the same statement as the events.
      const matchesParam = param(JSON.stringify(writes.flatMap((write) => write.matches.map(matchRecord))));
      const participantsParam = param(
        JSON.stringify(writes.flatMap((write) => write.matches.flatMap(participantRecords))),
      );
      parts += `, new_matches AS (
         INSERT INTO matches (id, room_id, game_no, game_id, rules_version, end_seq, started_at, finished_at, duration_ms, winners, summary)
         SELECT m.id, m.room_id, m.game_no, m.game_id, m.rules_version, m.end_seq, m.started_at, m.finished_at, m.duration_ms,
                ARRAY(SELECT jsonb_array_elements_text(m.winners)::int), m.summary
           FROM jsonb_to_recordset(${matchesParam}::jsonb)
             AS m(id uuid, room_id uuid, game_no int, game_id text, rules_version int, end_seq int, started_at timestamptz,
                  finished_at timestamptz, duration_ms bigint, winners jsonb, summary text)
          WHERE m.room_id IN (SELECT id FROM written)
         RETURNING id
       ), new_participants AS (
         INSERT INTO match_participants (match_id, seat, user_id, kind, name, role, team, score, win, figures, game_id, finished_at)
         SELECT p.match_id, p.seat, p.user_id, p.kind, p.name, p.role, p.team, p.score, p.win, p.figures, p.game_id, p.finished_at
           FROM jsonb_to_recordset(${participantsParam}::jsonb)
             AS p(match_id uuid, seat int, user_id uuid, kind text, name text, role text, team text, score float8, win boolean,
                  figures jsonb, game_id text, finished_at timestamptz)
          WHERE p.match_id IN (SELECT id FROM new_matches)
       )`;
    }
    const rows: Array<{ id: string; chat: ChatChangeRow[] | null }> = await this.dataSource.query(
      `WITH batch AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS b(id uuid, expected int, version int, state jsonb, phase text, seated int, seat_count int, next_at timestamptz, next_id text)
       ), written AS (
         UPDATE rooms r
            SET state = b.state, version = b.version, phase = b.phase, seated = b.seated, seat_count = b.seat_count,
                next_deadline_at = b.next_at, next_deadline_id = b.next_id, updated_at = now()
           FROM batch b
          WHERE r.id = b.id AND r.version = b.expected
         RETURNING r.id
       ), new_events AS (
         INSERT INTO room_events (room_id, seq, rules_version, type, actor, payload, action_id, at)
         SELECT e.room_id, e.seq, e.rules_version, e.type, e.actor, e.payload, e.action_id, e.at
           FROM jsonb_to_recordset($2::jsonb)
             AS e(room_id uuid, seq int, rules_version int, type text, actor text, payload jsonb, action_id text, at timestamptz)
          WHERE e.room_id IN (SELECT id FROM written)
       )${parts}
       SELECT w.id, ${chatColumn} AS chat FROM written w`,
      params,
    );
    return new Map(rows.map((row) => [row.id, (row.chat ?? []).map(toChatChange)]));
  }

  async findEventByAction(roomId: string, actionId: string): Promise<StoredRoomEvent | null> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM room_events WHERE room_id = $1 AND action_id = $2`,
      [roomId, actionId],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** The room where this user still holds a seat it took (or made) with this action id, if any. */
  async seatTakenWith(userId: string, actionId: string): Promise<{ roomId: string; created: boolean } | null> {
    const rows: Array<{ room_id: string; type: string }> = await this.dataSource.query(
      `SELECT e.room_id, e.type FROM room_seats s
         JOIN room_events e ON e.room_id = s.room_id AND e.action_id = $2
        WHERE s.user_id = $1
        LIMIT 1`,
      [userId, actionId],
    );
    return rows[0] ? { roomId: rows[0].room_id, created: rows[0].type === 'room.create' } : null;
  }

  /** The sequence number at which this user last took a seat in the room (created it, joined, quick match). */
  async seatTakenAt(roomId: string, userId: string): Promise<number> {
    const rows: Array<{ seq: string | null }> = await this.dataSource.query(
      `SELECT max(seq) AS seq FROM room_events WHERE room_id = $1 AND actor = $2 AND type IN ('room.create', 'seat.take')`,
      [roomId, userId],
    );
    return Number(rows[0]?.seq ?? Number.MAX_SAFE_INTEGER);
  }

  /** The room's `limit` latest events, oldest first. */
  async latestEvents(roomId: string, limit: number): Promise<StoredRoomEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM room_events WHERE room_id = $1 ORDER BY seq DESC LIMIT $2`,
      [roomId, limit],
    );
    return rows.reverse().map(toStored);
  }

  async roomSummary(roomId: string): Promise<{ id: string; hostUserId: string; name: string; gameId: string } | null> {
    const rows: Array<{ id: string; host_user_id: string; name: string; game_id: string }> =
      await this.dataSource.query(`SELECT id, host_user_id, name, game_id FROM rooms WHERE id = $1`, [roomId]);
    return rows[0]
      ? { id: rows[0].id, hostUserId: rows[0].host_user_id, name: rows[0].name, gameId: rows[0].game_id }
      : null;
  }

  async eventsAfter(roomId: string, afterSeq: number, limit: number): Promise<StoredRoomEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM room_events WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [roomId, afterSeq, limit],
    );
    return rows.map(toStored);
  }

  /**
   * Claims rooms whose next deadline has passed, so that one process fires each: the rows are locked
   * with SKIP LOCKED (another sweeper takes other rooms) and leased by moving the deadline a little
   * ahead; the firing writes the real next deadline, and a process that dies leaves only a lease.
   */
  async claimDueRooms(limit: number, leaseMs: number): Promise<string[]> {
    // An UPDATE answers [rows, affected count] through TypeORM.
    const [rows]: [Array<{ id: string }>, number] = await this.dataSource.query(
      `UPDATE rooms SET next_deadline_at = now() + $2 * interval '1 millisecond'
        WHERE id IN (
          SELECT id FROM rooms
           WHERE next_deadline_at <= now()
           ORDER BY next_deadline_at
           LIMIT $1
           FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [limit, leaseMs],
    );
    return rows.map((row) => row.id);
  }

  /** Puts back the real next deadline after a claim that found nothing to fire (same version only). */
  async restoreDeadline(roomId: string, version: number, deadline: { id: string; at: number } | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE rooms SET next_deadline_at = $3, next_deadline_id = $4 WHERE id = $1 AND version = $2`,
      [roomId, version, deadline ? iso(deadline.at) : null, deadline?.id ?? null],
    );
  }

  async listOpenRooms(gameId: string | null, limit: number): Promise<OpenRoomRow[]> {
    const rows: Array<{
      id: string;
      game_id: string;
      name: string;
      phase: RoomPhase;
      visibility: RoomVisibility;
      seated: number;
      seat_count: number;
      created_at: Date;
    }> = await this.dataSource.query(
      `SELECT id, game_id, name, phase, visibility, seated, seat_count, created_at FROM rooms
          WHERE visibility = 'public' AND phase = 'lobby' AND seated < seat_count AND ($1::text IS NULL OR game_id = $1)
            -- bots alone do not make a room worth joining (see closeRoom)
            AND ((state->>'seatlessHost')::boolean IS TRUE
                 OR EXISTS (SELECT 1 FROM room_seats s WHERE s.room_id = rooms.id AND s.user_id IS NOT NULL))
          ORDER BY seated DESC, created_at ASC
          LIMIT $2`,
      [gameId, limit],
    );
    return rows.map((row) => ({
      roomId: row.id,
      gameId: row.game_id,
      name: row.name,
      phase: row.phase,
      visibility: row.visibility,
      seated: row.seated,
      seatCount: row.seat_count,
      createdAt: row.created_at.toISOString(),
    }));
  }

  /** A spectator joins the room's channels open to everyone (or leaves those it is in as one); chat's function does it. */
  async watchChat(roomId: string, userId: string, watching: boolean): Promise<RoomChatChange[]> {
    const rows: ChatChangeRow[] = await this.dataSource.query(`SELECT * FROM chat_watch_room($1, $2, $3)`, [
      roomId,
      userId,
      watching,
    ]);
    return rows.map(toChatChange);
  }

  /**
   * Keeps what a room answered without an event of its own, for the KPIs: a refused join (its code) or a
   * reconnect (succeeded: the seat was still the player's; failed: it had gone).
   */
  async recordActivity(
    kind: 'join_refused' | 'reconnect',
    code: string,
    room: { roomId: string; gameId: string } | null,
    userId: string,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO room_activity (kind, code, room_id, game_id, user_id) VALUES ($1, $2, $3, $4, $5)`,
      [kind, code, room?.roomId ?? null, room?.gameId ?? null, userId],
    );
  }

  /** Rooms where this user holds a seat. */
  async seatedRoomIds(userId: string): Promise<string[]> {
    const rows: Array<{ room_id: string }> = await this.dataSource.query(
      `SELECT room_id FROM room_seats WHERE user_id = $1`,
      [userId],
    );
    return rows.map((row) => row.room_id);
  }

  /** Users who hold a seat as its player, not away, in a room that is not closed (the presence sweep's candidates). */
  async heldSeatUsers(limit: number): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT s.user_id FROM room_seats s JOIN rooms r ON r.id = s.room_id
        WHERE s.user_id IS NOT NULL AND s.control = 'player' AND s.away_until IS NULL AND r.phase <> 'closed'
        LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.user_id);
  }
}
