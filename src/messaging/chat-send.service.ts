import { Inject, Injectable } from '@nestjs/common';
import { ContentPolicyPort } from '../common/ports/content-policy.port';
import { SanctionsPort } from '../common/ports/sanctions.port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionHost } from '../database/transaction-host';
import type { Caller } from '../identity/caller';
import { MetricsService } from '../telemetry/metrics.service';
import { ChatPublisher } from './chat.publisher';
import { checkBody } from './domain/body';
import { DeliveryOrder } from './domain/delivery-order';
import { SenderOrder } from './domain/sender-order';
import { channelClosed, clientMsgIdReused, conversationNotFound, messagingError, notAMember } from './messaging.errors';
import { MessagingRepository, type SendOutcome } from './messaging.repository';
import type { ChatMessage } from './messaging.types';
import { SendBatcher } from './send-batcher';

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

/** A room channel: the room whose content policy bucket its messages fall in, and the channel's name. */
interface RoomChannelRef {
  roomId: string;
  channel: string;
}

/**
 * Sending chat messages: checks, the content policy and mutes, one statement that takes the next seq
 * (group-committed with the sends of the same turn), then live delivery in seq order after commit.
 */
@Injectable()
export class ChatSendService {
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
  private async sendToRoomChannel(
    caller: Caller,
    input: SendInput,
    origin: SendOrigin,
    ref: RoomChannelRef,
  ): Promise<ChatMessage> {
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
    if (first.conversationId !== input.conversationId || first.body !== input.body)
      throw clientMsgIdReused(input.clientMsgId);
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
      const result: SendOutcome =
        ticket === null ? await this.repository.send(stored) : await this.batcher.submit(stored);
      if (!('message' in result)) {
        if (result.outcome === 'not_found') throw conversationNotFound(input.conversationId);
        if (result.outcome === 'not_member') throw notAMember(input.conversationId);
        if (result.outcome === 'closed') throw channelClosed(input.conversationId, ref?.channel ?? null);
        return 'needs_rule';
      }
      const { message } = result;
      if (result.outcome === 'duplicate') {
        if (message.conversationId !== input.conversationId || message.body !== input.body)
          throw clientMsgIdReused(input.clientMsgId);
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
    for (const ready of this.delivery.finish(conversationId, ticket, outgoing))
      this.emitter.message(ready.message, ready.senderSocketId);
  }

  private rememberRoomChannel(conversationId: string, ref: RoomChannelRef): void {
    if (this.roomChannels.size >= 50_000) this.roomChannels.delete(this.roomChannels.keys().next().value as string);
    this.roomChannels.set(conversationId, ref);
  }
}
