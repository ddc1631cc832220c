import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { CurrentCaller } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import { ArenaGateway } from '../realtime/arena-gateway.decorator';
import { OwnIdempotency } from '../fast-path/socket-dispatcher';
import {
  AddMembersEventDto,
  ConversationEventDto,
  CreateGroupEventDto,
  LeaveEventDto,
  OpenDirectEventDto,
} from './dto/conversation.dto';
import { HistoryEventDto, ReadMarkerEventDto, SendMessageEventDto, SyncEventDto } from './dto/message.dto';
import { ChatSendService } from './chat-send.service';
import { ConversationsService } from './conversations.service';
import { WelcomeService } from './welcome.service';
import type {
  ChatMessage,
  ConversationSummary,
  HistoryView,
  LeaveResult,
  MembershipChange,
  MyConversation,
  ReadMarker,
  SyncResult,
  WelcomeConfirmation,
  WelcomePackageView,
} from './messaging.types';
import { On } from '../realtime/on-event.decorator';

/**
 * Chat over Socket.IO. A connecting socket joins the live rooms of its user's conversations; `chat:send`
 * is exactly-once by (sender, clientMsgId) in the messages table itself, so it opts out of the shared
 * store; the other mutating events carry an `actionId`.
 */
@ArenaGateway()
export class MessagingGateway implements OnGatewayConnection {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly conversationsService: ConversationsService,
    private readonly chat: ChatSendService,
    private readonly welcomes: WelcomeService,
  ) {}

  async handleConnection(socket: Socket): Promise<void> {
    const caller = socket.data.caller as Caller | undefined;
    if (!caller) return;
    // A failure here only costs live delivery until the client's chat:sync, which joins again.
    await this.conversationsService
      .joinLive(caller.userId, socket.id)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'joining conversations failed'));
  }

  @OwnIdempotency()
  @On('chat:send')
  send(
    @CurrentCaller() caller: Caller,
    @MessageBody() body: SendMessageEventDto,
    @ConnectedSocket() socket: Socket,
  ): Promise<ChatMessage> {
    return this.chat.send(caller, body, { socketId: socket.id });
  }

  @On('chat:history')
  history(@CurrentCaller() caller: Caller, @MessageBody() body: HistoryEventDto): Promise<HistoryView> {
    const { conversationId, ...page } = body;
    return this.conversationsService.history(caller, conversationId, page);
  }

  @On('chat:sync')
  sync(
    @CurrentCaller() caller: Caller,
    @MessageBody() body: SyncEventDto,
    @ConnectedSocket() socket: Socket,
  ): Promise<SyncResult> {
    return this.conversationsService.sync(caller, body.cursors, body.limit, socket.id);
  }

  @On('chat:read')
  markRead(@CurrentCaller() caller: Caller, @MessageBody() body: ReadMarkerEventDto): Promise<ReadMarker> {
    return this.conversationsService.markRead(caller, body.conversationId, body.seq);
  }

  @On('chat:conversations')
  conversations(@CurrentCaller() caller: Caller): Promise<MyConversation[]> {
    return this.conversationsService.myConversations(caller);
  }

  @On('chat:create-group')
  createGroup(
    @CurrentCaller() caller: Caller,
    @MessageBody() body: CreateGroupEventDto,
  ): Promise<ConversationSummary & { members: number }> {
    return this.conversationsService.createGroup(caller, body.title, body.memberIds);
  }

  @On('chat:open-direct')
  openDirect(
    @CurrentCaller() caller: Caller,
    @MessageBody() body: OpenDirectEventDto,
  ): Promise<ConversationSummary & { created: boolean }> {
    return this.conversationsService.openDirect(caller, body.userId);
  }

  @On('chat:add-members')
  addMembers(@CurrentCaller() caller: Caller, @MessageBody() body: AddMembersEventDto): Promise<MembershipChange> {
    return this.conversationsService.addMembers(caller, body.conversationId, body.userIds);
  }

  @On('chat:leave')
  leave(@CurrentCaller() caller: Caller, @MessageBody() body: LeaveEventDto): Promise<LeaveResult> {
    return this.conversationsService.leave(caller, body.conversationId);
  }

  @On('chat:welcome')
  fetchWelcome(
    @CurrentCaller() caller: Caller,
    @MessageBody() body: ConversationEventDto,
  ): Promise<WelcomePackageView> {
    return this.welcomes.fetchWelcome(caller, body.conversationId);
  }

  @On('chat:welcome-confirm')
  confirmWelcome(
    @CurrentCaller() caller: Caller,
    @MessageBody() body: ConversationEventDto,
  ): Promise<WelcomeConfirmation> {
    return this.welcomes.confirmWelcome(caller, body.conversationId);
  }
}
