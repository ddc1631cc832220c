import { Inject, Injectable } from '@nestjs/common';
import type { RoomChatChange } from '../common/events/arena-events';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import type { Caller } from '../identity/caller';
import { ChatPublisher } from './chat.publisher';
import { directKey, membershipIsManaged, type MemberRole } from './domain/conversation';
import { HISTORY_MAX_LIMIT, isEmptyRange, planHistory, toHistoryPage, type HistoryRequest } from './domain/history';
import { channelClosed, conversationNotFound, messagingError, notAMember } from './messaging.errors';
import { isForeignKeyViolation, MessagingRepository, type ConversationAccess } from './messaging.repository';
import type {
  ChatMessage,
  ConversationSummary,
  HistoryView,
  LeaveResult,
  MembershipChange,
  MyConversation,
  ReadMarker,
  SyncCursor,
  SyncResult,
} from './messaging.types';

type Asker = Pick<Caller, 'userId'>;

/**
 * Conversations and their members: reading history and catching up, read markers, groups and direct
 * conversations, and the room and team conversations their modules drive. Every change commits before
 * anyone hears of it: membership broadcasts run after commit, through ChatPublisher.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly repository: MessagingRepository,
    private readonly tx: TransactionHost,
    private readonly emitter: ChatPublisher,
    private readonly contentPolicy: ContentPolicyPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- reading ----

  async history(caller: Caller, conversationId: string, request: HistoryRequest): Promise<HistoryView> {
    const access = await this.readable(caller, conversationId);
    const plan = planHistory(request);
    const rows = isEmptyRange(plan) ? [] : await this.repository.history(conversationId, plan, caller.userId);
    const page = toHistoryPage(rows, plan);
    return { conversationId, messages: page.messages, hasMore: page.hasMore, lastSeq: access.conversation.lastSeq };
  }

  /** After a reconnect: for each conversation, everything after the client's last seq, in order (up to `limit` each). */
  async sync(caller: Caller, cursors: SyncCursor[], limit = HISTORY_MAX_LIMIT, socketId?: string): Promise<SyncResult> {
    const ids = [...new Set(cursors.map((c) => c.conversationId.toLowerCase()))];
    // Join the live rooms first, so that whatever commits after the read below is delivered live.
    await this.joinLive(caller.userId, socketId);
    const accesses = new Map((await this.repository.accessMany(ids, caller.userId)).map((a) => [a.conversation.id, a]));
    const refused: SyncResult['refused'] = [];
    const readable: SyncCursor[] = [];
    for (const cursor of cursors) {
      const id = cursor.conversationId.toLowerCase();
      const access = accesses.get(id);
      if (!access) refused.push({ conversationId: id, code: 'CONVERSATION_NOT_FOUND' });
      else if (!access.member) refused.push({ conversationId: id, code: 'NOT_A_MEMBER' });
      else if (!access.member.read) refused.push({ conversationId: id, code: 'CHANNEL_CLOSED' });
      else readable.push({ conversationId: id, afterSeq: cursor.afterSeq });
    }
    const messages = await this.repository.messagesSince(caller.userId, readable, limit + 1);
    const byConversation = new Map<string, ChatMessage[]>();
    for (const message of messages) {
      const list = byConversation.get(message.conversationId) ?? [];
      list.push(message);
      byConversation.set(message.conversationId, list);
    }
    return {
      conversations: readable.map((cursor) => {
        const list = byConversation.get(cursor.conversationId) ?? [];
        const lastSeq = Math.max(accesses.get(cursor.conversationId)!.conversation.lastSeq, list.at(-1)?.seq ?? 0);
        return {
          conversationId: cursor.conversationId,
          lastSeq,
          messages: list.slice(0, limit),
          hasMore: list.length > limit,
        };
      }),
      refused,
    };
  }

  async myConversations(caller: Caller): Promise<MyConversation[]> {
    return this.repository.myConversations(caller.userId);
  }

  async conversation(
    caller: Caller,
    conversationId: string,
  ): Promise<ConversationSummary & { members: Awaited<ReturnType<MessagingRepository['members']>> }> {
    const access = await this.readable(caller, conversationId);
    return { ...access.conversation, members: await this.repository.members(conversationId) };
  }

  async markRead(caller: Caller, conversationId: string, seq: number): Promise<ReadMarker> {
    const marked = await this.repository.setReadMarker(conversationId, caller.userId, seq);
    if (!marked) await this.readable(caller, conversationId); // throws the precise reason
    const marker = { conversationId, readSeq: marked!.readSeq, unread: marked!.unread };
    this.tx.afterCommit(() => this.emitter.readMarker(caller.userId, marker));
    return marker;
  }

  /** A socket (or, without one, all the user's sockets) joins the live rooms of the user's conversations. */
  async joinLive(userId: string, socketId?: string): Promise<number> {
    const ids = await this.repository.activeConversationIds(userId);
    if (socketId) this.emitter.joinSocket(socketId, ids);
    else this.emitter.joinUser(userId, ids);
    return ids.length;
  }

  // ---- conversations and members ----

  async createGroup(
    caller: Caller,
    title: string,
    memberIds: string[],
  ): Promise<ConversationSummary & { members: number }> {
    const others = [...new Set(memberIds.map((id) => id.toLowerCase()))].filter((id) => id !== caller.userId);
    if (others.length + 1 > this.config.chat.maxGroupMembers) {
      throw messagingError('GROUP_FULL', `A group has at most ${this.config.chat.maxGroupMembers} members`);
    }
    this.contentPolicy.assertAllowed(title, { surface: 'chat', userId: caller.userId }, 'title');
    return this.tx.transaction(async () => {
      await this.assertUsersExist(others);
      const conversation = await this.repository.createConversation({ kind: 'group', createdBy: caller.userId, title });
      await this.repository.addMembers(conversation.id, [caller.userId], 'owner', false);
      const added = await this.repository.addMembers(conversation.id, others, 'member', true);
      this.announceJoined(conversation.id, [caller.userId], false);
      this.announceJoined(conversation.id, added, true);
      return { ...conversation, members: added.length + 1 };
    });
  }

  /** The caller's direct conversation with another user, made on first use; both are members afterwards. */
  async openDirect(caller: Caller, otherUserId: string): Promise<ConversationSummary & { created: boolean }> {
    const other = otherUserId.toLowerCase();
    if (other === caller.userId) throw messagingError('DIRECT_WITH_SELF', 'A direct conversation needs another user');
    return this.tx.transaction(async () => {
      await this.assertUsersExist([other]);
      const { conversation, created } = await this.repository.findOrCreateDirect(
        directKey(caller.userId, other),
        caller.userId,
      );
      const self = await this.repository.addMembers(conversation.id, [caller.userId], 'member', false);
      const peer = await this.repository.addMembers(conversation.id, [other], 'member', true);
      this.announceJoined(conversation.id, self, false);
      this.announceJoined(conversation.id, peer, true);
      return { ...conversation, created };
    });
  }

  /** Adds members to a group the caller belongs to; adding someone already in changes nothing. */
  async addMembers(caller: Caller, conversationId: string, userIds: string[]): Promise<MembershipChange> {
    return this.tx.transaction(async () => {
      const access = await this.repository.access(conversationId, caller.userId);
      if (!access) throw conversationNotFound(conversationId);
      if (!access.member) throw notAMember(conversationId);
      if (membershipIsManaged(access.conversation.kind)) {
        throw messagingError(
          'MEMBERSHIP_MANAGED',
          `The members of a ${access.conversation.kind} conversation follow its ${access.conversation.kind}`,
        );
      }
      const ids = [...new Set(userIds.map((id) => id.toLowerCase()))];
      const current = await this.repository.countMembers(conversationId);
      if (current + ids.length > this.config.chat.maxGroupMembers) {
        // A soft cap: counted before the insert, so racing adds can pass it by a few.
        const after = current + (await this.missingFrom(conversationId, ids)).length;
        if (after > this.config.chat.maxGroupMembers)
          throw messagingError('GROUP_FULL', `A group has at most ${this.config.chat.maxGroupMembers} members`);
      }
      await this.assertUsersExist(ids);
      const added = await this.addOrExplain(conversationId, ids, 'member', true);
      this.announceJoined(conversationId, added, true);
      return { conversationId, added, members: await this.repository.countMembers(conversationId) };
    });
  }

  /** Leaves a group or direct conversation; any number of repeats, concurrent or not, leave once. */
  async leave(caller: Caller, conversationId: string): Promise<LeaveResult> {
    return this.tx.transaction(async () => {
      const access = await this.repository.access(conversationId, caller.userId);
      if (!access) throw conversationNotFound(conversationId);
      if (access.conversation.kind === 'room' || access.conversation.kind === 'team') {
        throw messagingError(
          'MEMBERSHIP_MANAGED',
          `The members of a ${access.conversation.kind} conversation follow its ${access.conversation.kind}`,
        );
      }
      const left = await this.repository.leave(conversationId, caller.userId);
      if (!left) throw notAMember(conversationId);
      if (left.changed) this.announceLeft(conversationId, caller.userId);
      return { conversationId, userId: caller.userId, leftAt: left.leftAt.toISOString(), changed: left.changed };
    });
  }

  // ---- rooms and teams (driven by their modules' events) ----

  /**
   * A room's channel members changed, already committed by the games module with the room event: the
   * members' sockets follow (those who may read get the channel's messages live) and the channel hears.
   */
  followRoomChannels(changes: RoomChatChange[]): void {
    const joined = new Map<string, { readers: string[]; all: string[] }>();
    for (const change of changes) {
      if (change.change === 'joined') {
        const entry = joined.get(change.conversationId) ?? { readers: [], all: [] };
        entry.all.push(change.userId);
        if (change.readable) entry.readers.push(change.userId);
        joined.set(change.conversationId, entry);
      } else if (change.change === 'left') {
        this.emitter.memberLeft(change.conversationId, change.userId);
      } else if (change.readable) {
        this.emitter.joinUser(change.userId, [change.conversationId]);
      } else {
        this.emitter.stopFollowing(change.userId, change.conversationId);
      }
    }
    for (const [conversationId, { readers, all }] of joined)
      this.emitter.membersJoined(conversationId, all, true, readers);
  }

  /** A team's conversation with exactly these members (idempotent); for the teams module. */
  async setTeamMembers(teamId: string, userIds: string[], title: string | null = null): Promise<string> {
    return this.syncMembers(() => this.repository.ensureTeamConversation(teamId, title), userIds, 'member');
  }

  async teamMemberJoined(teamId: string, userId: string): Promise<void> {
    await this.tx.transaction(async () => {
      const id = await this.repository.ensureTeamConversation(teamId, null);
      const added = await this.repository.addMembers(id, [userId], 'member', true);
      await this.repository.matchTeamWriteAccess(id, userId);
      this.announceJoined(id, added, true);
    });
  }

  /** Opens or closes a team's chat for writing (closed while one of its CHSH rounds is open). */
  async setTeamWritable(teamId: string, writable: boolean): Promise<void> {
    await this.repository.setTeamWritable(teamId, writable);
  }

  async teamMemberLeft(teamId: string, userId: string): Promise<void> {
    await this.tx.transaction(async () => {
      const id = await this.repository.teamConversation(teamId);
      if (!id) return;
      if ((await this.repository.leave(id, userId))?.changed) this.announceLeft(id, userId);
    });
  }

  private async syncMembers(ensure: () => Promise<string>, userIds: string[], role: MemberRole): Promise<string> {
    return this.tx.transaction(async () => {
      const id = await ensure();
      const keep = [...new Set(userIds.map((u) => u.toLowerCase()))];
      this.announceJoined(id, await this.repository.addMembers(id, keep, role, true), true);
      for (const gone of await this.repository.membersNotIn(id, keep)) {
        if ((await this.repository.leave(id, gone))?.changed) this.announceLeft(id, gone);
      }
      return id;
    });
  }

  // ---- helpers ----

  private async readable(caller: Asker, conversationId: string): Promise<ConversationAccess> {
    const access = await this.repository.access(conversationId, caller.userId);
    if (!access) throw conversationNotFound(conversationId);
    if (!access.member) throw notAMember(conversationId);
    if (!access.member.read) throw channelClosed(conversationId, access.conversation.channel);
    return access;
  }

  private async assertUsersExist(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const found = new Set(await this.repository.existingUsers(userIds));
    const missing = userIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw messagingError('USER_NOT_FOUND', 'No such user', { userIds: missing });
  }

  private async missingFrom(conversationId: string, userIds: string[]): Promise<string[]> {
    const live = new Set((await this.repository.members(conversationId)).map((m) => m.userId));
    return userIds.filter((id) => !live.has(id));
  }

  /** Adds, turning a user removed meanwhile (foreign key) into USER_NOT_FOUND. */
  private async addOrExplain(
    conversationId: string,
    userIds: string[],
    role: MemberRole,
    welcome: boolean,
  ): Promise<string[]> {
    try {
      return await this.repository.addMembers(conversationId, userIds, role, welcome);
    } catch (error) {
      // Checked just before; only a user removed in between gets here.
      if (isForeignKeyViolation(error, 'fk_conversation_members_user_id'))
        throw messagingError('USER_NOT_FOUND', 'No such user');
      throw error;
    }
  }

  private announceJoined(conversationId: string, userIds: string[], welcome: boolean): void {
    if (userIds.length === 0) return;
    this.tx.afterCommit(() => this.emitter.membersJoined(conversationId, userIds, welcome));
  }

  private announceLeft(conversationId: string, userId: string): void {
    this.tx.afterCommit(() => this.emitter.memberLeft(conversationId, userId));
  }
}
