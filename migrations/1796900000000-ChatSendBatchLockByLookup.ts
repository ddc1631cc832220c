import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CHAT_SEND_BATCH_SIGNATURE, CHAT_SEND_BATCH_V1 } from './1796183390614-ChatSendBatchFunction';

/**
 * chat_send_batch, with the same inputs, rows and locking order as before, finds the conversations it
 * will lock by one index lookup per input. Before, one query joined the inputs to conversations and
 * conversation_members; inside plpgsql that query runs on a generic plan, which guesses ten inputs and
 * so may hash-join them against every live membership: a bitmap scan of all of conversation_members on
 * every group commit (on a fresh database without statistics, 1,000 rows for a batch of one). A lookup
 * per input costs the same however big the tables grow.
 *
 * The kind and membership read after the lock wait are one statement instead of two.
 */
const BODY_V2 = `
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

const replace = (body: string) => `
      CREATE OR REPLACE FUNCTION ${CHAT_SEND_BATCH_SIGNATURE} LANGUAGE plpgsql AS $$${body}
      $$`;

export class ChatSendBatchLockByLookup1796900000000 implements MigrationInterface {
  name = 'ChatSendBatchLockByLookup1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(replace(BODY_V2));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(replace(CHAT_SEND_BATCH_V1));
  }
}
