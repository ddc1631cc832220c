import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations, their members, messages and welcome packages. The constraints carry the invariants:
 * one conversation per room channel, team and pair of users; one member row per (conversation, user);
 * a gapless, unique seq per conversation; one message per (sender, clientMsgId).
 */
export class Messaging1795600000000 implements MigrationInterface {
  name = 'Messaging1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        title text,
        room_id uuid,
        channel text,
        game_id text,
        phase text,
        team_id uuid,
        direct_key text,
        created_by uuid CONSTRAINT fk_conversations_created_by REFERENCES users (id) ON DELETE SET NULL,
        last_seq bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT chk_conversations_kind CHECK (kind IN ('room', 'team', 'direct', 'group')),
        CONSTRAINT chk_conversations_room CHECK ((kind = 'room') = (room_id IS NOT NULL AND channel IS NOT NULL)),
        CONSTRAINT chk_conversations_channel CHECK (channel IS NULL OR channel IN ('room', 'mafia', 'dead')),
        CONSTRAINT chk_conversations_team CHECK ((kind = 'team') = (team_id IS NOT NULL)),
        CONSTRAINT chk_conversations_direct CHECK ((kind = 'direct') = (direct_key IS NOT NULL)),
        CONSTRAINT chk_conversations_last_seq CHECK (last_seq >= 0),
        CONSTRAINT uq_conversations_room_channel UNIQUE (room_id, channel),
        CONSTRAINT uq_conversations_team_id UNIQUE (team_id),
        CONSTRAINT uq_conversations_direct_key UNIQUE (direct_key)
      )`);

    await q.query(`
      CREATE TABLE conversation_members (
        conversation_id uuid NOT NULL CONSTRAINT fk_conversation_members_conversation_id REFERENCES conversations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_conversation_members_user_id REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL DEFAULT 'member',
        joined_at timestamptz NOT NULL DEFAULT now(),
        left_at timestamptz,
        read_seq bigint NOT NULL DEFAULT 0,
        CONSTRAINT pk_conversation_members PRIMARY KEY (conversation_id, user_id),
        CONSTRAINT chk_conversation_members_role CHECK (role IN ('owner', 'member', 'seat', 'spectator')),
        CONSTRAINT chk_conversation_members_read_seq CHECK (read_seq >= 0)
      )`);
    // "My conversations" (socket connect, unread counts) reads only live memberships.
    await q.query(
      `CREATE INDEX idx_conversation_members_user_id ON conversation_members (user_id) WHERE left_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        conversation_id uuid NOT NULL CONSTRAINT fk_messages_conversation_id REFERENCES conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        sender_id uuid NOT NULL CONSTRAINT fk_messages_sender_id REFERENCES users (id) ON DELETE CASCADE,
        client_msg_id text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_messages_conversation_seq UNIQUE (conversation_id, seq),
        CONSTRAINT uq_messages_sender_client_msg_id UNIQUE (sender_id, client_msg_id),
        CONSTRAINT chk_messages_seq CHECK (seq > 0),
        CONSTRAINT chk_messages_body CHECK (length(body) > 0)
      )`);

    await q.query(`
      CREATE TABLE welcome_packages (
        conversation_id uuid NOT NULL,
        user_id uuid NOT NULL,
        state text NOT NULL DEFAULT 'pending',
        package json,
        created_at timestamptz NOT NULL DEFAULT now(),
        fetched_at timestamptz,
        confirmed_at timestamptz,
        CONSTRAINT pk_welcome_packages PRIMARY KEY (conversation_id, user_id),
        CONSTRAINT fk_welcome_packages_member FOREIGN KEY (conversation_id, user_id)
          REFERENCES conversation_members (conversation_id, user_id) ON DELETE CASCADE,
        CONSTRAINT chk_welcome_packages_state CHECK (state IN ('pending', 'fetched', 'confirmed')),
        CONSTRAINT chk_welcome_packages_fetched CHECK ((state = 'pending') = (fetched_at IS NULL AND package IS NULL)),
        CONSTRAINT chk_welcome_packages_confirmed CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE welcome_packages');
    await q.query('DROP TABLE messages');
    await q.query('DROP TABLE conversation_members');
    await q.query('DROP TABLE conversations');
  }
}
