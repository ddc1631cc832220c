import { Inject, Injectable } from '@nestjs/common';
import type { RoomChatChange } from '../common/events/arena-events';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { SanctionsPort } from '../common/ports/sanctions.port';
import type { Caller } from '../identity/caller';
import { MetricsService } from '../telemetry/metrics.service';
import { checkBody } from './domain/body';
import { directKey, membershipIsManaged, type MemberRole } from './domain/conversation';
import { DeliveryOrder } from './domain/delivery-order';
import { SenderOrder } from './domain/sender-order';
import { HISTORY_MAX_LIMIT, isEmptyRange, planHistory, toHistoryPage, type HistoryRequest } from './domain/history';
import { decideConfirm, decideFetch, graceEndsAt } from './domain/welcome';
import { ChatPublisher } from './chat.publisher';
import {
  channelClosed,
  clientMsgIdReused,
  conversationNotFound,
  messagingError,
  notAMember,
  welcomeRefused,
} from './messaging.errors';
import { isForeignKeyViolation, MessagingRepository, type ConversationAccess, type SendOutcome } from './messaging.repository';
import { SendBatcher } from './send-batcher';
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
  WelcomeConfirmation,
  WelcomePackageView,
} from './messaging.types';

export interface SendInput {
  conversationId: string;
  clientMsgId: string;
  body: string;
}

/** A committed message on its way to the live members. */
interface Outgoing {
  seq: number;
  message: ChatMessage;
  senderSocketId?: string;
}

/** Where a send came from: the socket that sent it gets the message in its ack, not again as chat:message. */
export interface SendOrigin {
  socketId?: string;
}

type Asker = Pick<Caller, 'userId'>;

/** A room channel: the room whose content policy bucket its messages fall in, and the channel's name. */
interface RoomChannelRef {
  roomId: string;
  channel: string;
}

/**
 * Conversations, members, messages and welcomes. Every change commits before anyone hears of it:
 * live delivery and membership broadcasts run after commit, through ChatEmitter.
 */
@Injectable()
export class MessagingService {
  private readonly delivery = new DeliveryOrder<Outgoing>();
  private readonly senderOrder = new SenderOrder();
  /** Room channels seen (a conversation's kind and room never change), so their sends are judged with the room at once. */
  private readonly roomChannels = new Map<string, RoomChannelRef>();
  private readonly batcher: SendBatcher;

  constructor(
    private readonly repository: MessagingRepository,
    private readonly tx: TransactionHost,
    private readonly emitter: ChatPublisher,
    private readonly contentPolicy: ContentPolicyPort,
    private readonly sanctions: SanctionsPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.batcher = new SendBatcher(repository, config.chat.commitConcurrency, {
      committed: (size) => metrics.chatCommits.observe(size),
      fellBack: () => metrics.chatCommitFallbacks.inc(),
    });
  }

  // ---- sending ----

  /**
   * Appends a message: the body passes its checks, the content policy and the sender's mute state, then
   * one statement takes the next seq and stores it. A repeat of (sender, clientMsgId) returns the first
   * message; the same clientMsgId for another conversation or body is refused.
   */
  send(caller: Caller, input: SendInput, origin: SendOrigin = {}): Promise<ChatMessage> {
    const body = checkBody(input.body, this.config.chat.maxBodyChars);
    if (!body.ok) return Promise.reject(messagingError(body.code, body.message, { field: 'body' }));
    return this.senderOrder.run(caller.userId, () => this.admitAndAppend(caller, input, origin));
  }

  private async admitAndAppend(caller: Caller, input: SendInput, origin: SendOrigin): Promise<ChatMessage> {
    const known = this.roomChannels.get(input.conversationId);
    if (known) return this.sendToRoomChannel(caller, input, origin, known);
    await this.admit(caller, input, undefined);
    const outcome = await this.appendAndDeliver(caller, input, false, origin, null);
    if (outcome !== 'needs_rule') return outcome;
    // The first send to a room channel this process sees: learn its room, once.
    const ref = await this.repository.roomChannelOf(input.conversationId);
    if (!ref) throw conversationNotFound(input.conversationId);
    this.rememberRoomChannel(input.conversationId, ref);
    return this.sendToRoomChannel(caller, input, origin, ref);
  }

  /**
   * A room channel's message is judged with its room (the content policy's rollout bucket); the send
   * itself checks, in the same statement that stores it, that the sender may write there now.
   */
  private async sendToRoomChannel(caller: Caller, input: SendInput, origin: SendOrigin, ref: RoomChannelRef): Promise<ChatMessage> {
    await this.admit(caller, input, ref.roomId);
    const outcome = await this.appendAndDeliver(caller, input, true, origin, ref);
    if (outcome === 'needs_rule') throw new Error('a room channel send was refused for want of its room');
    return outcome;
  }

  /** Content policy and mute; a retry of a message already stored is answered with it even if they now refuse. */
  private async admit(caller: Caller, input: SendInput, roomId: string | undefined): Promise<void> {
    try {
      this.contentPolicy.assertAllowed(input.body, { surface: 'chat', roomId, userId: caller.userId }, 'body');
      await this.sanctions.assertNotMuted(caller.userId);
    } catch (error) {
      if (await this.firstCopy(caller, input)) return;
      throw error;
    }
  }

  private async firstCopy(caller: Caller, input: SendInput): Promise<ChatMessage | null> {
    const first = await this.repository.findMessageByClientMsgId(caller.userId, input.clientMsgId);
    if (!first) return null;
    if (first.conversationId !== input.conversationId || first.body !== input.body) throw clientMsgIdReused(input.clientMsgId);
    return first;
  }

  private async appendAndDeliver(
    caller: Caller,
    input: SendInput,
    roomRuleChecked: boolean,
    origin: SendOrigin,
    ref: RoomChannelRef | null,
  ): Promise<ChatMessage | 'needs_rule'> {
    // Inside a REST request's transaction the result is only final at commit: not tracked as in flight.
    const ticket = this.repository.inTransaction() ? null : this.delivery.begin(input.conversationId);
    let delivered: ChatMessage | null = null;
    try {
      const stored = { ...input, senderId: caller.userId, roomRuleChecked };
      // Outside a transaction, sends share group commits; inside one, the send is part of it.
      const result: SendOutcome = ticket === null ? await this.repository.send(stored) : await this.batcher.submit(stored);
      if (!('message' in result)) {
        if (result.outcome === 'not_found') throw conversationNotFound(input.conversationId);
        if (result.outcome === 'not_member') throw notAMember(input.conversationId);
        if (result.outcome === 'closed') throw channelClosed(input.conversationId, ref?.channel ?? null);
        return 'needs_rule';
      }
      const { message } = result;
      if (result.outcome === 'duplicate') {
        if (message.conversationId !== input.conversationId || message.body !== input.body) throw clientMsgIdReused(input.clientMsgId);
        return message;
      }
      delivered = message;
      return message;
    } finally {
      const message = delivered;
      const outgoing = message && { seq: message.seq, message, senderSocketId: origin.socketId };
      if (ticket === null) {
        if (outgoing) this.tx.afterCommit(() => this.deliver(message.conversationId, null, outgoing));
      } else {
        this.deliver(input.conversationId, ticket, outgoing);
      }
    }
  }

  private deliver(conversationId: string, ticket: number | null, outgoing: Outgoing | null): void {
    for (const ready of this.delivery.finish(conversationId, ticket, outgoing)) this.emitter.message(ready.message, ready.senderSocketId);
  }

  private rememberRoomChannel(conversationId: string, ref: RoomChannelRef): void {
    if (this.roomChannels.size >= 50_000) this.roomChannels.delete(this.roomChannels.keys().next().value as string);
    this.roomChannels.set(conversationId, ref);
  }

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
        return { conversationId: cursor.conversationId, lastSeq, messages: list.slice(0, limit), hasMore: list.length > limit };
      }),
      refused,
    };
  }

  async myConversations(caller: Caller): Promise<MyConversation[]> {
    return this.repository.myConversations(caller.userId);
  }

  async conversation(caller: Caller, conversationId: string): Promise<ConversationSummary & { members: Awaited<ReturnType<MessagingRepository['members']>> }> {
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

  async createGroup(caller: Caller, title: string, memberIds: string[]): Promise<ConversationSummary & { members: number }> {
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
      const { conversation, created } = await this.repository.findOrCreateDirect(directKey(caller.userId, other), caller.userId);
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
        throw messagingError('MEMBERSHIP_MANAGED', `The members of a ${access.conversation.kind} conversation follow its ${access.conversation.kind}`);
      }
      const ids = [...new Set(userIds.map((id) => id.toLowerCase()))];
      const current = await this.repository.countMembers(conversationId);
      if (current + ids.length > this.config.chat.maxGroupMembers) {
        // A soft cap: counted before the insert, so racing adds can pass it by a few.
        const after = current + (await this.missingFrom(conversationId, ids)).length;
        if (after > this.config.chat.maxGroupMembers) throw messagingError('GROUP_FULL', `A group has at most ${this.config.chat.maxGroupMembers} members`);
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
        throw messagingError('MEMBERSHIP_MANAGED', `The members of a ${access.conversation.kind} conversation follow its ${access.conversation.kind}`);
      }
      const left = await this.repository.leave(conversationId, caller.userId);
      if (!left) throw notAMember(conversationId);
      if (left.changed) this.announceLeft(conversationId, caller.userId);
      return { conversationId, userId: caller.userId, leftAt: left.leftAt.toISOString(), changed: left.changed };
    });
  }

  // ---- welcome ----

  /** The caller's welcome package: built at the first fetch, the same again within the grace period, then gone (410). */
  async fetchWelcome(caller: Caller, conversationId: string): Promise<WelcomePackageView> {
    return this.tx.transaction(async () => {
      const access = await this.welcomeAccess(caller, conversationId);
      const welcome = await this.repository.lockWelcome(conversationId, caller.userId);
      if (!welcome) throw messagingError('WELCOME_NOT_FOUND', 'There is no welcome for you in this conversation', { conversationId });
      const grace = this.config.chat.welcomeGraceMs;
      const decision = decideFetch({ state: welcome.state, fetchedAt: welcome.fetchedAt?.getTime() ?? null }, welcome.now.getTime(), grace);
      if (decision.action === 'refuse') throw welcomeRefused(decision.refusal);
      if (decision.action === 'replay') return welcome.package as WelcomePackageView;

      const fetchedAt = welcome.now;
      const view: WelcomePackageView = {
        conversation: access.conversation,
        members: await this.repository.members(conversationId),
        messages: await this.repository.lastMessages(conversationId, this.config.chat.welcomeMessages, caller.userId),
        readSeq: access.member!.readSeq,
        state: 'fetched',
        fetchedAt: fetchedAt.toISOString(),
        graceEndsAt: new Date(graceEndsAt({ state: 'fetched', fetchedAt: fetchedAt.getTime() }, grace)!).toISOString(),
      };
      await this.repository.markWelcomeFetched(conversationId, caller.userId, fetchedAt, view);
      return view;
    });
  }

  async confirmWelcome(caller: Caller, conversationId: string): Promise<WelcomeConfirmation> {
    return this.tx.transaction(async () => {
      await this.welcomeAccess(caller, conversationId);
      const welcome = await this.repository.lockWelcome(conversationId, caller.userId);
      if (!welcome) throw messagingError('WELCOME_NOT_FOUND', 'There is no welcome for you in this conversation', { conversationId });
      const decision = decideConfirm(
        { state: welcome.state, fetchedAt: welcome.fetchedAt?.getTime() ?? null },
        welcome.now.getTime(),
        this.config.chat.welcomeGraceMs,
      );
      if (decision.action === 'refuse') throw welcomeRefused(decision.refusal);
      const confirmedAt = decision.action === 'confirm' ? await this.repository.markWelcomeConfirmed(conversationId, caller.userId) : welcome.confirmedAt!;
      return { conversationId, state: 'confirmed', confirmedAt: confirmedAt.toISOString() };
    });
  }

  private async welcomeAccess(caller: Caller, conversationId: string): Promise<ConversationAccess> {
    const access = await this.repository.access(conversationId, caller.userId);
    if (!access) throw conversationNotFound(conversationId);
    if (!access.member) throw notAMember(conversationId);
    return access;
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
    for (const [conversationId, { readers, all }] of joined) this.emitter.membersJoined(conversationId, all, true, readers);
  }

  /** A team's conversation with exactly these members (idempotent); for the teams module. */
  async setTeamMembers(teamId: string, userIds: string[], title: string | null = null): Promise<string> {
    return this.syncMembers(() => this.repository.ensureTeamConversation(teamId, title), userIds, 'member');
  }

  async teamMemberJoined(teamId: string, userId: string): Promise<void> {
    await this.tx.transaction(async () => {
      const id = await this.repository.ensureTeamConversation(teamId, null);
      this.announceJoined(id, await this.repository.addMembers(id, [userId], 'member', true), true);
    });
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
  private async addOrExplain(conversationId: string, userIds: string[], role: MemberRole, welcome: boolean): Promise<string[]> {
    try {
      return await this.repository.addMembers(conversationId, userIds, role, welcome);
    } catch (error) {
      // Checked just before; only a user removed in between gets here.
      if (isForeignKeyViolation(error, 'fk_conversation_members_user_id')) throw messagingError('USER_NOT_FOUND', 'No such user');
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
