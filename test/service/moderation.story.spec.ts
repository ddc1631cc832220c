import { randomUUID } from 'node:crypto';
import { ChatSendService } from '../../src/messaging/chat-send.service';
import { ConversationsService } from '../../src/messaging/conversations.service';
import { ModerationService } from '../../src/moderation/moderation.service';
import { newWorld, type World } from '../support/factories';

/** Moderation as its services tell it: a report, a mute that silences a member everywhere, its revocation. */
describe('a moderator mutes a member who was reported', () => {
  let world: World;
  beforeAll(async () => {
    world = await newWorld();
  });
  afterAll(() => world.close());

  it('silences the member in every conversation until the mute is revoked, and audits both', async () => {
    const [alice, bob, carol] = [await world.newUser(), await world.newUser(), await world.newUser()];
    const moderator = await world.newUser({ role: 'moderator' });
    const chat = world.get(ChatSendService);
    const moderation = world.get(ModerationService);
    const general = await world.newConversation(alice, [bob, carol], 'General');
    const direct = (await world.get(ConversationsService).openDirect(bob, alice.userId)).id;

    const first = await chat.send(bob, { conversationId: general, clientMsgId: randomUUID(), body: 'hello all' });
    const { report } = await moderation.fileReport(alice, {
      targetKind: 'message',
      targetId: first.id,
      reason: 'harassment',
    });
    const { sanction } = await moderation.resolveReport(moderator, report.id, 'mute', 'rude', { durationSeconds: 600 });

    for (const conversationId of [general, direct]) {
      await expect(
        chat.send(bob, { conversationId, clientMsgId: randomUUID(), body: 'still here?' }),
      ).rejects.toMatchObject({ code: 'MUTED' });
    }
    await expect(
      chat.send(carol, { conversationId: general, clientMsgId: randomUUID(), body: 'we are' }),
    ).resolves.toMatchObject({ seq: 2 });

    await moderation.revokeSanction(moderator, sanction!.id, 'apologised');
    await expect(
      chat.send(bob, { conversationId: general, clientMsgId: randomUUID(), body: 'sorry' }),
    ).resolves.toMatchObject({ seq: 3 });

    const { entries } = await world.arena
      .http()
      .get('/admin/audit')
      .set({ Authorization: `Bearer ${moderator.token}` })
      .expect(200)
      .then((r) => r.body);
    expect(entries.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['report.resolve', 'sanction.revoke']),
    );
  });
});
