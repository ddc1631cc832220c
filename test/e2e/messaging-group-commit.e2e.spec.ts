import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MessagingRepository, type NewMessage, type SendOutcome } from '../../src/messaging/messaging.repository';
import { SendBatcher } from '../../src/messaging/send-batcher';
import { chatSocket, group, players, waitForLockWaiters } from '../support/chat';
import { ask, createTestApp, type TestApp, UNTHROTTLED } from '../support/test-app';

/** Group commit: many sends, to many conversations, in one statement on real PostgreSQL. */
describe('chat group commit', () => {
  let arena: TestApp;
  let db: Client;
  let repository: MessagingRepository;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED });
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    repository = arena.app.get(MessagingRepository);
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const seqs = async (conversationId: string) =>
    (
      await db.query('SELECT seq, client_msg_id FROM messages WHERE conversation_id = $1 ORDER BY seq', [
        conversationId,
      ])
    ).rows.map((r) => [Number(r.seq), r.client_msg_id]);
  const message = (outcome: SendOutcome) => ('message' in outcome ? outcome.message : null);
  const send = (
    conversationId: string,
    senderId: string,
    clientMsgId: string,
    roomRuleChecked = false,
  ): NewMessage => ({
    conversationId,
    senderId,
    clientMsgId,
    body: `body of ${clientMsgId}`,
    roomRuleChecked,
  });

  // A few messages go to the chat_send_batch function, more to the one statement: both must answer alike.
  const paths = [
    ['the function (up to 8 messages)', 0],
    ['the statement (more than 8)', 6],
  ] as const;

  /** `count` sends of fresh messages to a conversation of their own, to make a batch bigger. */
  async function padding(count: number, tag: string): Promise<NewMessage[]> {
    if (count === 0) return [];
    const [sender] = await players(arena, 1, `Pad`);
    const padded = await group(arena, sender, []);
    return Array.from({ length: count }, (_, i) => send(padded, sender.userId, `pad-${tag}-${i}`));
  }

  it.each(paths)(
    'gives every send in one batch the outcome it would have alone, and consecutive seqs in input order: %s',
    async (label, padCount) => {
      const [ada, bob, eve] = await players(arena, 3, `Batch ${padCount}`);
      const first = await group(arena, ada, [bob]);
      const second = await group(arena, bob, []);
      const roomChannel = (
        await db.query(
          `INSERT INTO conversations (kind, room_id, channel, everyone, spectators) VALUES ('room', gen_random_uuid(), 'room', true, 'write') RETURNING id`,
        )
      ).rows[0].id;
      await db.query(`INSERT INTO conversation_members (conversation_id, user_id, role) VALUES ($1, $2, 'seat')`, [
        roomChannel,
        ada.userId,
      ]);
      // A channel its game closed to ada for now: she is a member who may read, not write.
      const closedChannel = (
        await db.query(
          `INSERT INTO conversations (kind, room_id, channel, everyone, spectators) VALUES ('room', gen_random_uuid(), 'night', false, 'none') RETURNING id`,
        )
      ).rows[0].id;
      await db.query(
        `INSERT INTO conversation_members (conversation_id, user_id, role, can_write) VALUES ($1, $2, 'seat', false)`,
        [closedChannel, ada.userId],
      );
      const earlier = message(await repository.send(send(first, ada.userId, 'earlier')))!;

      const outcomes = await repository.sendBatch([
        send(first, ada.userId, 'a1'),
        send(second, bob.userId, 'b1'),
        send(first, bob.userId, 'b2'),
        send(first, ada.userId, 'earlier'), // a retry: the first message, no new seq
        send('00000000-0000-4000-8000-000000000000', ada.userId, 'nowhere'),
        send(first, eve.userId, 'intruder'),
        send(roomChannel, ada.userId, 'unruled'),
        send(closedChannel, ada.userId, 'closed', true),
        send(first, ada.userId, 'a3'),
        ...(await padding(padCount, label)),
      ]);

      expect(outcomes.map((o) => o.outcome)).toEqual([
        'sent',
        'sent',
        'sent',
        'duplicate',
        'not_found',
        'not_member',
        'needs_rule',
        'closed',
        'sent',
        ...Array(padCount).fill('sent'),
      ]);
      expect(message(outcomes[3])).toEqual(earlier);
      expect(outcomes.map((o) => message(o)?.seq ?? null)).toEqual([
        2,
        1,
        3,
        1,
        null,
        null,
        null,
        null,
        4,
        ...Array.from({ length: padCount }, (_, i) => i + 1),
      ]);
      expect(await seqs(first)).toEqual([
        [1, 'earlier'],
        [2, 'a1'],
        [3, 'b2'],
        [4, 'a3'],
      ]);
      expect(await seqs(second)).toEqual([[1, 'b1']]);
      expect(await seqs(roomChannel)).toEqual([]);
      expect(await seqs(closedChannel)).toEqual([]);
      const lastSeqs = (
        await db.query('SELECT id, last_seq FROM conversations WHERE id = ANY($1::uuid[])', [
          [first, second, roomChannel, closedChannel],
        ])
      ).rows;
      expect(Object.fromEntries(lastSeqs.map((r) => [r.id, Number(r.last_seq)]))).toEqual({
        [first]: 4,
        [second]: 1,
        [roomChannel]: 0,
        [closedChannel]: 0,
      });
      // One at a time, the same answer.
      expect(await repository.send(send(closedChannel, ada.userId, 'closed-alone', true))).toEqual({
        outcome: 'closed',
      });
    },
  );

  it('answers a batch bigger than the kept plan covers (planned for its size) the same way', async () => {
    const [ada, bob, eve] = await players(arena, 3, 'Big');
    const first = await group(arena, ada, [bob]);
    const earlier = message(await repository.send(send(first, ada.userId, 'big-earlier')))!;
    const fresh = Array.from({ length: 36 }, (_, i) => send(first, i % 2 === 0 ? bob.userId : ada.userId, `big-${i}`));
    const inputs = [
      ...fresh.slice(0, 18),
      send(first, ada.userId, 'big-earlier'),
      send('00000000-0000-4000-8000-000000000000', ada.userId, 'big-nowhere'),
      send(first, eve.userId, 'big-intruder'),
      ...fresh.slice(18),
    ];
    expect(inputs.length).toBeGreaterThan(32);

    const outcomes = await repository.sendBatch(inputs);

    expect(outcomes.map((o) => o.outcome)).toEqual([
      ...Array(18).fill('sent'),
      'duplicate',
      'not_found',
      'not_member',
      ...Array(18).fill('sent'),
    ]);
    expect(message(outcomes[18])).toEqual(earlier);
    expect(await seqs(first)).toEqual([[1, 'big-earlier'], ...fresh.map((f, i) => [i + 2, f.clientMsgId])]);
  });

  it("refuses a send it will not store without waiting for its conversation's lock (the function)", async () => {
    const [ada, eve] = await players(arena, 2, 'NoWait');
    const id = await group(arena, ada, []);
    const roomChannel = (
      await db.query(
        `INSERT INTO conversations (kind, room_id, channel, everyone, spectators) VALUES ('room', gen_random_uuid(), 'room', true, 'write') RETURNING id`,
      )
    ).rows[0].id;
    await db.query(`INSERT INTO conversation_members (conversation_id, user_id, role) VALUES ($1, $2, 'seat')`, [
      roomChannel,
      ada.userId,
    ]);
    await db.query('BEGIN');
    await db.query('UPDATE conversations SET last_seq = last_seq WHERE id = ANY($1::uuid[])', [[id, roomChannel]]);
    try {
      // A non-member, and a room channel's first attempt (its rule not checked yet): neither is stored, so neither locks.
      const refused = await Promise.race([
        repository.sendBatch([send(id, eve.userId, 'not-mine'), send(roomChannel, ada.userId, 'unruled')]),
        new Promise((resolve) => setTimeout(() => resolve('waited on the lock'), 2000)),
      ]);
      expect(refused).toEqual([{ outcome: 'not_member' }, { outcome: 'needs_rule' }]);
    } finally {
      await db.query('COMMIT');
    }
  });

  it.each([
    ['the function', 2],
    ['the statement', 4],
  ])(
    'runs batches over the same conversations, listed in opposite orders, side by side: all stored, seqs gapless (%s)',
    async (_label, senderCount) => {
      const [ada, ...others] = await players(arena, senderCount as number, `Overlap ${senderCount}`);
      const conversations = await Promise.all([0, 1, 2, 3].map(() => group(arena, ada, others)));
      const senders = [ada, ...others];
      const batches = Array.from({ length: 24 }, (_, b) => {
        const order = b % 2 === 0 ? conversations : [...conversations].reverse();
        return order.flatMap((conversationId, c) =>
          senders.map((s, k) => send(conversationId, s.userId, `o-${b}-${c}-${k}`)),
        );
      });
      const results = await Promise.all(batches.map((batch) => repository.sendBatch(batch)));
      expect(results.flat().every((o) => o.outcome === 'sent')).toBe(true);
      for (const conversationId of conversations) {
        expect((await seqs(conversationId)).map(([seq]) => seq)).toEqual(
          Array.from({ length: 24 * senders.length }, (_, i) => i + 1),
        );
      }
    },
  );

  it.each([
    ['the function', 1],
    ['the statement', 5],
  ])(
    "commits to a room's channels and the room's channel changes run side by side without a deadlock (%s)",
    async (_label, perChannel) => {
      // The room channel's id sorts before the dead channel's, the reverse of their names: a channel change that
      // locked by name and a batch that locks by id would cross.
      const [ada] = await players(arena, 1, `Phase ${perChannel}`);
      const roomId = (await db.query('SELECT gen_random_uuid() AS id')).rows[0].id;
      const ids = {
        room: `00000000-0000-4000-8000-00000000000${perChannel}`,
        dead: `ffffffff-ffff-4fff-8fff-fffffffffff${perChannel}`,
      };
      for (const [channel, id] of Object.entries(ids)) {
        await db.query(
          `INSERT INTO conversations (id, kind, room_id, channel, everyone, spectators) VALUES ($1, 'room', $2, $3, $4, 'none')`,
          [id, roomId, channel, channel === 'room'],
        );
        await db.query(`INSERT INTO conversation_members (conversation_id, user_id, role) VALUES ($1, $2, 'seat')`, [
          id,
          ada.userId,
        ]);
      }
      const rounds = Array.from({ length: 20 }, (_, i) => [
        repository.sendBatch(
          Array.from({ length: perChannel as number }, (_, k) => [
            send(ids.room, ada.userId, `r-${i}-${k}`, true),
            send(ids.dead, ada.userId, `d-${i}-${k}`, true),
          ]).flat(),
        ),
        // What a room commit does when its game's channels change: here, what spectators may do in the room.
        arena.app.get(DataSource).query(`SELECT * FROM chat_set_room_channels($1, $2::jsonb)`, [
          roomId,
          JSON.stringify(
            Object.keys(ids).map((channel) => ({
              channel,
              everyone: channel === 'room',
              spectators: channel === 'room' && i % 2 === 0 ? 'read' : 'none',
              members: [{ user_id: ada.userId, read: true, write: true }],
            })),
          ),
        ]),
      ]);
      const settled = await Promise.allSettled(rounds.flat());
      expect(
        settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason)),
      ).toEqual([]);
      expect((await seqs(ids.room)).map(([seq]) => seq)).toEqual(
        Array.from({ length: 20 * (perChannel as number) }, (_, i) => i + 1),
      );
      const spectators = (
        await db.query(`SELECT spectators FROM conversations WHERE room_id = $1 AND channel = 'room'`, [roomId])
      ).rows;
      expect(spectators).toHaveLength(1);
      expect(['read', 'none']).toContain(spectators[0].spectators);
    },
  );

  it.each([
    // The function reads after its lock wait, so it finds the copy; the statement read before, so its insert fails and the batch is resent one by one.
    ['the function finds the committed copy', 0, []],
    ['the statement meets it on the unique key and falls back to single sends', 8, ['23505']],
  ])(
    'when a racing copy of one message commits first (%s): one message, the same id, no burnt seq',
    async (label, padCount, failures) => {
      const [ada, bob] = await players(arena, 2, `Fallback ${padCount}`);
      const padded = await padding(padCount as number, label as string);
      const id = await group(arena, ada, [bob]);
      const batchFailures: string[] = [];
      const batcher = new SendBatcher(
        {
          sendBatch: async (inputs) => {
            try {
              return await repository.sendBatch(inputs);
            } catch (error) {
              batchFailures.push((error as { code?: string }).code ?? 'unknown');
              throw error;
            }
          },
          send: (input) => repository.send(input),
        },
        2,
      );

      // Another process's send of ada's 'raced', not yet committed: the batch cannot see it and queues on the conversation's row.
      await db.query('BEGIN');
      await db.query('UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1', [id]);
      const racer = (
        await db.query(
          `INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body) VALUES ($1, 1, $2, 'raced', 'body of raced') RETURNING id`,
          [id, ada.userId],
        )
      ).rows[0].id;
      const batched = Promise.all([
        batcher.submit(send(id, bob.userId, 'bystander')),
        batcher.submit(send(id, ada.userId, 'raced')),
        ...padded.map((p) => batcher.submit(p)),
      ]);
      await waitForLockWaiters(arena.databaseUrl, 1);
      await db.query('COMMIT');

      const [bystander, raced, ...rest] = await batched;
      expect(batchFailures).toEqual(failures);
      expect(rest.map((r) => r.outcome)).toEqual(Array(padCount).fill('sent'));
      expect(raced.outcome).toBe('duplicate');
      expect(message(raced)!.id).toBe(racer);
      expect(bystander.outcome).toBe('sent');
      expect(await seqs(id)).toEqual([
        [1, 'raced'],
        [2, 'bystander'],
      ]);
    },
  );

  it('stores socket sends through group commits, counted on /metrics', async () => {
    const senders = await players(arena, 6, 'Shared');
    const [owner, ...rest] = senders;
    const id = await group(arena, owner, rest);
    const sockets = await Promise.all(senders.map((p) => chatSocket(arena, p.token)));
    const metric = async (name: string) => {
      const text = (await arena.http().get('/metrics').expect(200)).text;
      return Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1] ?? 0);
    };
    const messagesBefore = await metric('arena_chat_commit_batch_size_sum');

    const acks = await Promise.all(
      sockets.map((socket, i) =>
        ask(socket, 'chat:send', { conversationId: id, clientMsgId: `shared-${i}`, body: `from ${i}` }),
      ),
    );

    expect(acks.every((a) => a.ok)).toBe(true);
    expect(acks.map((a) => a.data.seq).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    // Every one of them went through a group commit (how many commits they shared depends on timing).
    expect((await metric('arena_chat_commit_batch_size_sum')) - messagesBefore).toBe(6);
    await Promise.all(sockets.map((s) => s.disconnect()));
  });
});
