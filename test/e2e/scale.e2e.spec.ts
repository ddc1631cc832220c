import { randomUUID } from 'node:crypto';
import { ChatPublisher } from '../../src/messaging/chat.publisher';
import { collectMessages, group, players } from '../support/chat';
import { ask, createTestApp, nextEvent } from '../support/test-app';

const withRedis = process.env.REDIS_URL ? describe : describe.skip;
if (!process.env.REDIS_URL) process.stdout.write('SKIPPED: broadcasts across processes need REDIS_URL\n');

withRedis('several Arena processes on one PostgreSQL and one Redis', () => {
  it('a logout served by one process closes the session socket held by the other', async () => {
    const env = { REDIS_URL: process.env.REDIS_URL! };
    const first = await createTestApp(env);
    const second = await createTestApp(env, first.databaseUrl);
    try {
      const token = await first.guest('Roaming');
      const socket = await second.socket(token);
      const revoked = nextEvent(socket, 'session:revoked');
      const closed = nextEvent(socket, 'disconnect');
      await first.http().post('/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
      expect(await revoked).toEqual({ reason: 'logout' });
      await closed;
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('a membership change from the other process never gets between a commit and its live delivery', async () => {
    const env = { REDIS_URL: process.env.REDIS_URL! };
    const first = await createTestApp(env);
    const second = await createTestApp(env, first.databaseUrl);
    try {
      const [ada, dan] = await players(first, 2, 'Across');
      const id = await group(first, ada, []);
      const danSocket = await first.socket(dan.token);
      await ask(danSocket, 'chat:sync', { cursors: [] });
      const atDan = collectMessages(danSocket);
      const message = (seq: number) => ({ id: randomUUID(), conversationId: id, seq, senderId: ada.userId, clientMsgId: `across-${seq}`, body: `m${seq}`, sentAt: new Date().toISOString() });
      const [here, there] = [first.app.get(ChatPublisher), second.app.get(ChatPublisher)];
      // The other process's change reaches this one through Redis and waits to be read while this one is
      // busy; then this process releases a message committed before that change reached it.
      const busy = (ms: number) => {
        const end = Date.now() + ms;
        while (Date.now() < end);
      };

      there.membersJoined(id, [dan.userId], false);
      busy(50);
      here.message(message(1)); // committed before dan joined: not for him
      await new Promise((resolve) => setTimeout(resolve, 300));
      there.memberLeft(id, dan.userId);
      busy(50);
      here.message(message(2)); // committed while dan was a member: his, live
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(atDan.map((m) => m.seq)).toEqual([2]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
