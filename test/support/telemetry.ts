import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';

/**
 * Known history written straight into the tables the runtime writes (rooms, room events, matches), so
 * that statistics, leaderboards and KPIs can be checked against figures worked out by hand.
 */

export async function seedUser(db: Client, displayName: string): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO users (id, kind, display_name, version) VALUES ($1, 'guest', $2, 1)`, [id, displayName]);
  return id;
}

export interface SeedEvent {
  type: string;
  at: Date;
  actor?: string;
  actionId?: string | null;
}

/** A room with these events (seq 1, 2, ...); the first is normally room.create. */
export async function seedRoom(
  db: Client,
  gameId: string,
  hostId: string,
  events: SeedEvent[],
  phase = 'finished',
): Promise<string> {
  const roomId = randomUUID();
  await db.query(
    `INSERT INTO rooms (id, game_id, name, host_user_id, visibility, phase, seat_count, seated, seed, state, version,
                        created_at, updated_at, rules_version)
     VALUES ($1, $2, 'Seeded', $3, 'public', $4, 8, 0, 1, '{}'::jsonb, $5, $6, $6, 1)`,
    [roomId, gameId, hostId, phase, events.length, events[0].at],
  );
  await db.query(
    `INSERT INTO room_events (room_id, seq, rules_version, type, actor, payload, action_id, at)
     SELECT $1, e.seq, 1, e.type, e.actor, '{"command": {}, "events": []}'::jsonb, e.action_id, e.at
       FROM jsonb_to_recordset($2::jsonb) AS e(seq int, type text, actor text, action_id text, at timestamptz)`,
    [
      roomId,
      JSON.stringify(
        events.map((event, i) => ({
          seq: i + 1,
          type: event.type,
          actor: event.actor ?? hostId,
          action_id: event.actionId ?? null,
          at: event.at.toISOString(),
        })),
      ),
    ],
  );
  return roomId;
}

export interface SeedSeat {
  userId: string | null;
  win: boolean;
  kind?: 'human' | 'agent' | 'bot';
  team?: string;
  figures?: Record<string, number>;
}

/** A finished game: its room (created, started, finished) and its match row with one participant per seat. */
export async function seedMatch(
  db: Client,
  gameId: string,
  finishedAt: Date,
  durationMs: number,
  seats: SeedSeat[],
): Promise<string> {
  const startedAt = new Date(finishedAt.getTime() - durationMs);
  const host = seats.find((seat) => seat.userId !== null)?.userId as string;
  const roomId = await seedRoom(db, gameId, host, [
    { type: 'room.create', at: startedAt },
    { type: 'game.start', at: startedAt },
    { type: 'game.act', at: finishedAt },
  ]);
  const matchId = randomUUID();
  const winners = seats.flatMap((seat, i) => (seat.win ? [i] : []));
  await db.query(
    `INSERT INTO matches (id, room_id, game_no, game_id, rules_version, end_seq, started_at, finished_at, duration_ms, winners, summary)
     VALUES ($1, $2, 1, $3, 1, 3, $4, $5, $6, $7, 'seeded')`,
    [matchId, roomId, gameId, startedAt, finishedAt, durationMs, winners],
  );
  for (const [seat, entry] of seats.entries()) {
    await db.query(
      `INSERT INTO match_participants (match_id, seat, user_id, kind, name, team, score, win, figures, game_id, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        matchId,
        seat,
        entry.userId,
        entry.kind ?? (entry.userId === null ? 'bot' : 'human'),
        `Seat ${seat}`,
        entry.team ?? null,
        entry.win ? 1 : 0,
        entry.win,
        JSON.stringify(entry.figures ?? {}),
        gameId,
        finishedAt,
      ],
    );
  }
  return matchId;
}
