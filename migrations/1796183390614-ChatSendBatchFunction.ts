import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * chat_send_batch: chat's group commit for a few messages, as a loop of index lookups and single-row
 * writes. The one-statement group commit (MessagingRepository's SEND_BATCH) costs PostgreSQL about a
 * millisecond of CPU however few messages it carries, which at a steady trickle of sends (a batch of
 * one to four) is most of the database's work; this loop costs about half of that for one to four
 * messages, but more per message than the statement in a big batch, so the repository uses it for
 * small batches only (`npm run bench:commit` compares them). Same inputs and rows as the statement: a
 * duplicate (sender, client_msg_id) returns the stored message and takes no seq; a message is stored
 * only for a live member, and in a room channel only once its rule was checked; one row per input,
 * `ord` its place. The conversations it will write are locked first, in id order, as by every statement
 * that locks several of them (a send it will refuse takes no lock). Each statement in the loop reads
 * afresh after that wait, so a copy committed meanwhile by another server is answered as a duplicate and
 * a sender who left meanwhile is refused; a sender who joined meanwhile takes its lock late, out of
 * order, and in the rare deadlock that can make, PostgreSQL fails the call and the batch's sends are
 * stored one by one.
 */
/** chat_send_batch's name, parameters and result, for this migration and the ones that replace its body. */
export const CHAT_SEND_BATCH_SIGNATURE = `chat_send_batch(
        p_conversation_ids uuid[], p_sender_ids uuid[], p_client_msg_ids text[], p_bodies text[], p_rule_checked boolean[]
      ) RETURNS TABLE (
        ord integer, kind text, is_member boolean, outcome text, id uuid, conversation_id uuid, seq bigint,
        sender_id uuid, client_msg_id text, body text, created_at timestamptz
      )`;

/** The function's body as this migration creates it (a later migration's `down` puts it back). */
export const CHAT_SEND_BATCH_V1 = `
      DECLARE
        stored record;
      BEGIN
        PERFORM 1
          FROM unnest(p_conversation_ids, p_sender_ids, p_rule_checked) AS input (conversation_ref, sender_ref, rule_checked_ref)
          JOIN conversations c ON c.id = input.conversation_ref
          WHERE (input.rule_checked_ref OR c.kind <> 'room')
            AND EXISTS (
              SELECT 1 FROM conversation_members m
              WHERE m.conversation_id = input.conversation_ref AND m.user_id = input.sender_ref AND m.left_at IS NULL)
          ORDER BY c.id
          FOR NO KEY UPDATE OF c;
        FOR i IN 1 .. coalesce(array_length(p_conversation_ids, 1), 0) LOOP
          ord := i;
          conversation_id := p_conversation_ids[i];
          sender_id := p_sender_ids[i];
          client_msg_id := p_client_msg_ids[i];
          outcome := NULL; id := NULL; seq := NULL; body := NULL; created_at := NULL;
          kind := (SELECT c.kind FROM conversations c WHERE c.id = p_conversation_ids[i]);
          is_member := EXISTS (
            SELECT 1 FROM conversation_members m
            WHERE m.conversation_id = p_conversation_ids[i] AND m.user_id = p_sender_ids[i] AND m.left_at IS NULL);
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

export class ChatSendBatchFunction1796183390614 implements MigrationInterface {
  name = 'ChatSendBatchFunction1796183390614';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ${CHAT_SEND_BATCH_SIGNATURE} LANGUAGE plpgsql AS $$${CHAT_SEND_BATCH_V1}
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION chat_send_batch(uuid[], uuid[], text[], text[], boolean[])');
  }
}
