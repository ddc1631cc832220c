import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CHAT_SEND_BATCH_SIGNATURE } from './1796183390614-ChatSendBatchFunction';

/**
 * Room channels become data that the games write. A game declares its chat channels and who may read and
 * write each one; the room runtime stores that, in the transaction that commits the room event, through
 * chat_set_room_channels (and a spectator's arrival through chat_watch_room). Chat then checks only the
 * stored rows, and knows no game:
 * - conversations lose the list of channel names (chk_conversations_channel) and the game and phase they
 *   were told about (game_id, phase); a room channel gains `everyone` (every seat and the spectators are
 *   in it) and `spectators` (what spectators may do there: none, read or write);
 * - conversation_members gain can_read and can_write (a member who may not read keeps its membership
 *   and its history: a dead Mafia seat stops reading the mafia channel until the game is over);
 * - chat_send_batch stores a message only for a member who may write, and answers `closed` otherwise.
 */
/** chat_send_batch as 1796900000000-ChatSendBatchLockByLookup left it (for `down`). */
const PREVIOUS_BODY = `
      DECLARE
        stored record;
        to_lock uuid[] := '{}';
      BEGIN
        FOR i IN 1 .. coalesce(array_length(p_conversation_ids, 1), 0) LOOP
          IF EXISTS (
            SELECT 1 FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id
            WHERE c.id = p_conversation_ids[i] AND m.user_id = p_sender_ids[i] AND m.left_at IS NULL
              AND (p_rule_checked[i] OR c.kind <> 'room')
          ) THEN
            to_lock := to_lock || p_conversation_ids[i];
          END IF;
        END LOOP;
        PERFORM 1 FROM conversations c WHERE c.id = ANY (to_lock) ORDER BY c.id FOR NO KEY UPDATE OF c;
        FOR i IN 1 .. coalesce(array_length(p_conversation_ids, 1), 0) LOOP
          ord := i;
          conversation_id := p_conversation_ids[i];
          sender_id := p_sender_ids[i];
          client_msg_id := p_client_msg_ids[i];
          outcome := NULL; id := NULL; seq := NULL; body := NULL; created_at := NULL;
          kind := NULL; is_member := false;
          SELECT c.kind, EXISTS (
                   SELECT 1 FROM conversation_members m
                   WHERE m.conversation_id = c.id AND m.user_id = p_sender_ids[i] AND m.left_at IS NULL)
            INTO kind, is_member
            FROM conversations c WHERE c.id = p_conversation_ids[i];
          is_member := coalesce(is_member, false);
          SELECT x.id, x.conversation_id, x.seq, x.body, x.created_at INTO stored
            FROM messages x WHERE x.sender_id = p_sender_ids[i] AND x.client_msg_id = p_client_msg_ids[i];
          IF FOUND THEN
            outcome := 'duplicate';
            id := stored.id; conversation_id := stored.conversation_id; seq := stored.seq;
            body := stored.body; created_at := stored.created_at;
          ELSIF is_member AND (p_rule_checked[i] OR kind <> 'room') THEN
            UPDATE conversations c SET last_seq = c.last_seq + 1 WHERE c.id = p_conversation_ids[i] RETURNING c.last_seq INTO seq;
            INSERT INTO messages AS x (conversation_id, seq, sender_id, client_msg_id, body)
              VALUES (p_conversation_ids[i], seq, p_sender_ids[i], p_client_msg_ids[i], p_bodies[i])
              RETURNING x.id, x.body, x.created_at INTO id, body, created_at;
            outcome := 'sent';
          END IF;
          RETURN NEXT;
        END LOOP;
      END`;

const BODY = `
      DECLARE
        stored record;
        may_write boolean;
        to_lock uuid[] := '{}';
      BEGIN
        FOR i IN 1 .. coalesce(array_length(p_conversation_ids, 1), 0) LOOP
          IF EXISTS (
            SELECT 1 FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id
            WHERE c.id = p_conversation_ids[i] AND m.user_id = p_sender_ids[i] AND m.left_at IS NULL
              AND (p_rule_checked[i] OR c.kind <> 'room')
              AND CASE WHEN m.role = 'spectator' THEN c.spectators = 'write' ELSE m.can_write END
          ) THEN
            to_lock := to_lock || p_conversation_ids[i];
          END IF;
        END LOOP;
        PERFORM 1 FROM conversations c WHERE c.id = ANY (to_lock) ORDER BY c.id FOR NO KEY UPDATE OF c;
        FOR i IN 1 .. coalesce(array_length(p_conversation_ids, 1), 0) LOOP
          ord := i;
          conversation_id := p_conversation_ids[i];
          sender_id := p_sender_ids[i];
          client_msg_id := p_client_msg_ids[i];
          outcome := NULL; id := NULL; seq := NULL; body := NULL; created_at := NULL;
          kind := NULL; is_member := false; may_write := false;
          SELECT c.kind, m.user_id IS NOT NULL, CASE WHEN m.role = 'spectator' THEN c.spectators = 'write' ELSE m.can_write END
            INTO kind, is_member, may_write
            FROM conversations c
            LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = p_sender_ids[i] AND m.left_at IS NULL
            WHERE c.id = p_conversation_ids[i];
          is_member := coalesce(is_member, false);
          may_write := coalesce(may_write, false);
          SELECT x.id, x.conversation_id, x.seq, x.body, x.created_at INTO stored
            FROM messages x WHERE x.sender_id = p_sender_ids[i] AND x.client_msg_id = p_client_msg_ids[i];
          IF FOUND THEN
            outcome := 'duplicate';
            id := stored.id; conversation_id := stored.conversation_id; seq := stored.seq;
            body := stored.body; created_at := stored.created_at;
          ELSIF is_member AND (p_rule_checked[i] OR kind <> 'room') AND NOT may_write THEN
            outcome := 'closed';
          ELSIF is_member AND (p_rule_checked[i] OR kind <> 'room') THEN
            UPDATE conversations c SET last_seq = c.last_seq + 1 WHERE c.id = p_conversation_ids[i] RETURNING c.last_seq INTO seq;
            INSERT INTO messages AS x (conversation_id, seq, sender_id, client_msg_id, body)
              VALUES (p_conversation_ids[i], seq, p_sender_ids[i], p_client_msg_ids[i], p_bodies[i])
              RETURNING x.id, x.body, x.created_at INTO id, body, created_at;
            outcome := 'sent';
          END IF;
          RETURN NEXT;
        END LOOP;
      END`;

const replaceSendBatch = (body: string) => `
      CREATE OR REPLACE FUNCTION ${CHAT_SEND_BATCH_SIGNATURE} LANGUAGE plpgsql AS $$${body}
      $$`;

/**
 * chat_set_room_channels(room, channels): the room's chat channels are now exactly `channels`, a JSON
 * array of { channel, everyone, spectators, members: [{ user_id, read, write }] }. A channel is made on its
 * first declaration; a member declared is added (with a pending welcome) or has its flags set; a seat
 * member not declared leaves; a channel not declared is closed, and all its members leave. Each change is
 * one row back: `joined`, `left`, or `access` (what the member may read changed), with whether the member
 * may read now, so the caller can move live sockets after commit. The room's conversations are locked in
 * id order first, as by every statement that locks several of them.
 */
const SET_ROOM_CHANNELS = `
      CREATE FUNCTION chat_set_room_channels(p_room_id uuid, p_channels jsonb)
        RETURNS TABLE (conversation_id uuid, user_id uuid, change text, readable boolean) LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        declared record;
        conv uuid;
        was_everyone boolean;
        was_spectators text;
      BEGIN
        PERFORM 1 FROM conversations c WHERE c.room_id = p_room_id ORDER BY c.id FOR NO KEY UPDATE;
        FOR conv IN
          SELECT c.id FROM conversations c
          WHERE c.room_id = p_room_id
            AND c.channel NOT IN (SELECT d.channel FROM jsonb_to_recordset(p_channels) AS d (channel text))
          ORDER BY c.id
        LOOP
          UPDATE conversations c SET everyone = false, spectators = 'none' WHERE c.id = conv AND (c.everyone OR c.spectators <> 'none');
          RETURN QUERY
            WITH gone AS (
              UPDATE conversation_members m SET left_at = now() WHERE m.conversation_id = conv AND m.left_at IS NULL RETURNING m.user_id
            )
            SELECT conv, g.user_id, 'left', false FROM gone g;
        END LOOP;

        FOR declared IN
          SELECT d.channel, d.everyone, d.spectators, d.members
          FROM jsonb_to_recordset(p_channels) AS d (channel text, everyone boolean, spectators text, members jsonb)
          ORDER BY d.channel
        LOOP
          conv := NULL; was_everyone := NULL; was_spectators := NULL;
          SELECT c.id, c.everyone, c.spectators INTO conv, was_everyone, was_spectators
            FROM conversations c WHERE c.room_id = p_room_id AND c.channel = declared.channel;
          IF conv IS NULL THEN
            -- Made on its first declaration; a concurrent first one (the room's creation racing a retry)
            -- waits for the other and then finds its row.
            INSERT INTO conversations AS c (kind, room_id, channel, everyone, spectators)
              VALUES ('room', p_room_id, declared.channel, declared.everyone, declared.spectators)
              ON CONFLICT (room_id, channel) DO NOTHING
              RETURNING c.id INTO conv;
            IF conv IS NULL THEN
              SELECT c.id INTO conv FROM conversations c WHERE c.room_id = p_room_id AND c.channel = declared.channel;
            END IF;
          ELSE
            UPDATE conversations c SET everyone = declared.everyone, spectators = declared.spectators
              WHERE c.id = conv AND (c.everyone, c.spectators) IS DISTINCT FROM (declared.everyone, declared.spectators);
          END IF;

          RETURN QUERY
            WITH wanted AS (
              SELECT w.user_id, w.read, w.read AND w.write AS write
              FROM jsonb_to_recordset(declared.members) AS w (user_id uuid, read boolean, write boolean)
            ),
            before AS (
              SELECT m.user_id, m.left_at IS NULL AS live,
                     CASE WHEN m.role = 'spectator' THEN coalesce(was_spectators, 'none') IN ('read', 'write') ELSE m.can_read END AS could_read
              FROM conversation_members m WHERE m.conversation_id = conv
            ),
            upserted AS (
              INSERT INTO conversation_members AS m (conversation_id, user_id, role, can_read, can_write)
              SELECT conv, w.user_id, 'seat', w.read, w.write FROM wanted w ORDER BY w.user_id
              ON CONFLICT (conversation_id, user_id) DO UPDATE
                SET role = 'seat', can_read = EXCLUDED.can_read, can_write = EXCLUDED.can_write, left_at = NULL,
                    joined_at = CASE WHEN m.left_at IS NULL THEN m.joined_at ELSE now() END
                WHERE m.left_at IS NOT NULL OR m.role <> 'seat' OR m.can_read <> EXCLUDED.can_read OR m.can_write <> EXCLUDED.can_write
              RETURNING m.user_id, m.can_read
            ),
            gone AS (
              UPDATE conversation_members m SET left_at = now()
              WHERE m.conversation_id = conv AND m.left_at IS NULL
                AND m.user_id NOT IN (SELECT w.user_id FROM wanted w)
                AND (m.role <> 'spectator' OR NOT declared.everyone)
              RETURNING m.user_id
            ),
            welcomed AS (
              INSERT INTO welcome_packages AS p (conversation_id, user_id)
              SELECT conv, u.user_id FROM upserted u LEFT JOIN before b ON b.user_id = u.user_id WHERE b.live IS NOT TRUE
              ON CONFLICT (conversation_id, user_id) DO UPDATE
                SET state = 'pending', package = NULL, fetched_at = NULL, confirmed_at = NULL, created_at = now()
            )
            SELECT conv, u.user_id, CASE WHEN b.live IS NOT TRUE THEN 'joined' ELSE 'access' END, u.can_read
              FROM upserted u LEFT JOIN before b ON b.user_id = u.user_id
             WHERE b.live IS NOT TRUE OR b.could_read <> u.can_read
            UNION ALL
            SELECT conv, g.user_id, 'left', false FROM gone g;

          IF declared.everyone THEN
            -- Spectators follow every channel open to the whole room: into a newly opened one, and their
            -- reading rights with the channel's.
            IF (coalesce(was_spectators, 'none') IN ('read', 'write')) <> (declared.spectators IN ('read', 'write')) THEN
              RETURN QUERY
                SELECT conv, m.user_id, 'access', declared.spectators IN ('read', 'write')
                FROM conversation_members m WHERE m.conversation_id = conv AND m.role = 'spectator' AND m.left_at IS NULL;
            END IF;
            IF NOT coalesce(was_everyone, false) THEN
              RETURN QUERY
                WITH watching AS (
                  SELECT DISTINCT m.user_id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
                  WHERE c.room_id = p_room_id AND c.id <> conv AND m.role = 'spectator' AND m.left_at IS NULL
                ),
                joined AS (
                  INSERT INTO conversation_members AS m (conversation_id, user_id, role)
                  SELECT conv, w.user_id, 'spectator' FROM watching w ORDER BY w.user_id
                  ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_at = NULL, joined_at = now(), role = 'spectator'
                    WHERE m.left_at IS NOT NULL
                  RETURNING m.user_id
                )
                SELECT conv, j.user_id, 'joined', declared.spectators IN ('read', 'write') FROM joined j;
            END IF;
          END IF;
        END LOOP;
      END
      $$`;

/**
 * chat_watch_room(room, user, watching): a spectator joins every channel of the room open to the whole room
 * (with a pending welcome), or, no longer watching, leaves the channels it is in as a spectator. Rows as
 * chat_set_room_channels'.
 */
const WATCH_ROOM = `
      CREATE FUNCTION chat_watch_room(p_room_id uuid, p_user_id uuid, p_watching boolean)
        RETURNS TABLE (conversation_id uuid, user_id uuid, change text, readable boolean) LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      BEGIN
        IF NOT p_watching THEN
          RETURN QUERY
            WITH gone AS (
              UPDATE conversation_members m SET left_at = now()
              FROM conversations c
              WHERE c.id = m.conversation_id AND c.room_id = p_room_id AND m.user_id = p_user_id AND m.role = 'spectator' AND m.left_at IS NULL
              RETURNING m.conversation_id
            )
            SELECT g.conversation_id, p_user_id, 'left', false FROM gone g;
          RETURN;
        END IF;
        RETURN QUERY
          WITH joined AS (
            INSERT INTO conversation_members AS m (conversation_id, user_id, role)
            SELECT c.id, p_user_id, 'spectator' FROM conversations c WHERE c.room_id = p_room_id AND c.everyone ORDER BY c.id
            ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_at = NULL, joined_at = now(), role = 'spectator'
              WHERE m.left_at IS NOT NULL
            RETURNING m.conversation_id
          ),
          welcomed AS (
            INSERT INTO welcome_packages AS p (conversation_id, user_id)
            SELECT j.conversation_id, p_user_id FROM joined j
            ON CONFLICT (conversation_id, user_id) DO UPDATE
              SET state = 'pending', package = NULL, fetched_at = NULL, confirmed_at = NULL, created_at = now()
          )
          SELECT j.conversation_id, p_user_id, 'joined', c.spectators IN ('read', 'write')
          FROM joined j JOIN conversations c ON c.id = j.conversation_id;
      END
      $$`;

export class RoomChannelsAsData1796953130000 implements MigrationInterface {
  name = 'RoomChannelsAsData1796953130000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conversations DROP CONSTRAINT chk_conversations_channel`);
    await q.query(
      `ALTER TABLE conversations DROP COLUMN game_id, DROP COLUMN phase, ADD COLUMN everyone boolean, ADD COLUMN spectators text`,
    );
    // Rooms already running keep what the old default rule gave them until their next change rewrites it.
    await q.query(
      `UPDATE conversations SET everyone = (channel = 'room'), spectators = CASE WHEN channel = 'room' THEN 'write' ELSE 'none' END WHERE kind = 'room'`,
    );
    await q.query(`
      ALTER TABLE conversations
        ADD CONSTRAINT chk_conversations_room_access CHECK ((kind = 'room') = (everyone IS NOT NULL AND spectators IS NOT NULL)),
        ADD CONSTRAINT chk_conversations_spectators CHECK (spectators IS NULL OR spectators IN ('none', 'read', 'write'))`);
    await q.query(`
      ALTER TABLE conversation_members
        ADD COLUMN can_read boolean NOT NULL DEFAULT true,
        ADD COLUMN can_write boolean NOT NULL DEFAULT true,
        ADD CONSTRAINT chk_conversation_members_write_reads CHECK (can_read OR NOT can_write)`);
    await q.query(replaceSendBatch(BODY));
    await q.query(SET_ROOM_CHANNELS);
    await q.query(WATCH_ROOM);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION chat_watch_room(uuid, uuid, boolean)');
    await q.query('DROP FUNCTION chat_set_room_channels(uuid, jsonb)');
    await q.query(replaceSendBatch(PREVIOUS_BODY));
    await q.query(
      `ALTER TABLE conversation_members DROP CONSTRAINT chk_conversation_members_write_reads, DROP COLUMN can_read, DROP COLUMN can_write`,
    );
    await q.query(
      `ALTER TABLE conversations DROP CONSTRAINT chk_conversations_room_access, DROP CONSTRAINT chk_conversations_spectators`,
    );
    await q.query(
      `ALTER TABLE conversations DROP COLUMN everyone, DROP COLUMN spectators, ADD COLUMN game_id text, ADD COLUMN phase text`,
    );
    // The schema before knew three channel names only: channels of other names cannot go back into it.
    await q.query(`DELETE FROM conversations WHERE kind = 'room' AND channel NOT IN ('room', 'mafia', 'dead')`);
    await q.query(
      `ALTER TABLE conversations ADD CONSTRAINT chk_conversations_channel CHECK (channel IS NULL OR channel IN ('room', 'mafia', 'dead'))`,
    );
  }
}
