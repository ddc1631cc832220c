import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rooms: the room row (snapshot, version, next deadline), its append-only events, and its seats (one
 * seat per user per room, enforced here rather than only in code).
 */
export class Rooms1795500000000 implements MigrationInterface {
  name = 'Rooms1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rooms (
        id uuid PRIMARY KEY,
        game_id text NOT NULL,
        name text NOT NULL,
        host_user_id uuid NOT NULL CONSTRAINT fk_rooms_host_user_id REFERENCES users (id) ON DELETE CASCADE,
        visibility text NOT NULL,
        invite_code text,
        phase text NOT NULL,
        seat_count integer NOT NULL,
        seated integer NOT NULL,
        seed bigint NOT NULL,
        state jsonb NOT NULL,
        version integer NOT NULL,
        next_deadline_at timestamptz,
        next_deadline_id text,
        create_action_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chk_rooms_visibility CHECK (visibility IN ('public', 'private')),
        CONSTRAINT chk_rooms_invite_code CHECK ((visibility = 'private') = (invite_code IS NOT NULL)),
        CONSTRAINT chk_rooms_phase CHECK (phase IN ('lobby', 'playing', 'finished')),
        CONSTRAINT chk_rooms_seat_count CHECK (seat_count BETWEEN 1 AND 64),
        CONSTRAINT chk_rooms_seated CHECK (seated BETWEEN 0 AND seat_count),
        CONSTRAINT chk_rooms_version CHECK (version >= 1),
        CONSTRAINT chk_rooms_deadline CHECK ((next_deadline_at IS NULL) = (next_deadline_id IS NULL)),
        CONSTRAINT chk_rooms_name CHECK (length(name) BETWEEN 1 AND 64),
        CONSTRAINT uq_rooms_create_action UNIQUE (host_user_id, create_action_id)
      )`);
    await q.query(
      `CREATE INDEX idx_rooms_next_deadline_at ON rooms (next_deadline_at) WHERE next_deadline_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX idx_rooms_open ON rooms (game_id, seated DESC, created_at) WHERE visibility = 'public' AND phase = 'lobby'`,
    );
    await q.query(`CREATE UNIQUE INDEX uq_rooms_invite_code ON rooms (invite_code) WHERE invite_code IS NOT NULL`);

    await q.query(`
      CREATE TABLE room_events (
        room_id uuid NOT NULL CONSTRAINT fk_room_events_room_id REFERENCES rooms (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        payload jsonb NOT NULL,
        action_id text,
        at timestamptz NOT NULL,
        CONSTRAINT pk_room_events PRIMARY KEY (room_id, seq),
        CONSTRAINT uq_room_events_action_id UNIQUE (room_id, action_id),
        CONSTRAINT chk_room_events_seq CHECK (seq >= 1),
        CONSTRAINT chk_room_events_payload CHECK (jsonb_typeof(payload) = 'object' AND payload ? 'command' AND payload ? 'events')
      )`);

    // The user uniqueness is checked at commit, so one statement may move a player between seats.
    await q.query(`
      CREATE TABLE room_seats (
        room_id uuid NOT NULL CONSTRAINT fk_room_seats_room_id REFERENCES rooms (id) ON DELETE CASCADE,
        seat integer NOT NULL,
        user_id uuid CONSTRAINT fk_room_seats_user_id REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL,
        name text NOT NULL,
        control text NOT NULL,
        away_until timestamptz,
        CONSTRAINT pk_room_seats PRIMARY KEY (room_id, seat),
        CONSTRAINT uq_room_seats_user UNIQUE (room_id, user_id) DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT chk_room_seats_seat CHECK (seat >= 0),
        CONSTRAINT chk_room_seats_kind CHECK (kind IN ('human', 'agent', 'bot')),
        CONSTRAINT chk_room_seats_control CHECK (control IN ('player', 'bot', 'defaults')),
        CONSTRAINT chk_room_seats_bot CHECK (kind <> 'bot' OR (user_id IS NULL AND control = 'bot'))
      )`);
    await q.query(`CREATE INDEX idx_room_seats_user_id ON room_seats (user_id) WHERE user_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE room_seats');
    await q.query('DROP TABLE room_events');
    await q.query('DROP TABLE rooms');
  }
}
