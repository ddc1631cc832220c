import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import { AddMembersDto, ConversationParams, CreateGroupDto, OpenDirectDto } from './dto/conversation.dto';
import { HistoryQueryDto, ReadMarkerDto, SendMessageDto } from './dto/message.dto';
import { messagingError } from './messaging.errors';
import { ChatSendService } from './chat-send.service';
import { ConversationsService } from './conversations.service';
import { WelcomeService } from './welcome.service';
import type {
  ChatMessage,
  ConversationSummary,
  HistoryView,
  LeaveResult,
  MembershipChange,
  MemberView,
  MyConversation,
  ReadMarker,
  WelcomeConfirmation,
  WelcomePackageView,
} from './messaging.types';

/** Chat over REST. Every mutating route takes an Idempotency-Key (handled globally); sends are also exactly-once by clientMsgId. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly chat: ChatSendService,
    private readonly welcomes: WelcomeService,
  ) {}

  @Get()
  mine(@CurrentCaller() caller: Caller): Promise<MyConversation[]> {
    return this.conversations.myConversations(caller);
  }

  @Get('unread')
  async unread(
    @CurrentCaller() caller: Caller,
  ): Promise<{ total: number; conversations: Array<Pick<MyConversation, 'id' | 'lastSeq' | 'readSeq' | 'unread'>> }> {
    const conversations = (await this.conversations.myConversations(caller)).map(
      ({ id, lastSeq, readSeq, unread }) => ({ id, lastSeq, readSeq, unread }),
    );
    return { total: conversations.reduce((sum, c) => sum + c.unread, 0), conversations };
  }

  @Post()
  createGroup(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateGroupDto,
  ): Promise<ConversationSummary & { members: number }> {
    return this.conversations.createGroup(caller, body.title, body.memberIds);
  }

  @Post('direct')
  openDirect(
    @CurrentCaller() caller: Caller,
    @Body() body: OpenDirectDto,
  ): Promise<ConversationSummary & { created: boolean }> {
    return this.conversations.openDirect(caller, body.userId);
  }

  @Get(':id')
  get(
    @CurrentCaller() caller: Caller,
    @Param() params: ConversationParams,
  ): Promise<ConversationSummary & { members: MemberView[] }> {
    return this.conversations.conversation(caller, params.id);
  }

  @HttpCode(200)
  @Post(':id/members')
  addMembers(
    @CurrentCaller() caller: Caller,
    @Param() params: ConversationParams,
    @Body() body: AddMembersDto,
  ): Promise<MembershipChange> {
    return this.conversations.addMembers(caller, params.id, body.userIds);
  }

  @Delete(':id/members/me')
  leave(@CurrentCaller() caller: Caller, @Param() params: ConversationParams): Promise<LeaveResult> {
    return this.conversations.leave(caller, params.id);
  }

  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Also the clientMsgId when the body has none' })
  @Post(':id/messages')
  send(
    @CurrentCaller() caller: Caller,
    @Param() params: ConversationParams,
    @Body() body: SendMessageDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<ChatMessage> {
    const clientMsgId = body.clientMsgId ?? idempotencyKey;
    if (!clientMsgId)
      throw messagingError('CLIENT_MSG_ID_REQUIRED', 'Send a clientMsgId in the body or an Idempotency-Key header');
    return this.chat.send(caller, { conversationId: params.id, clientMsgId, body: body.body });
  }

  @Get(':id/messages')
  history(
    @CurrentCaller() caller: Caller,
    @Param() params: ConversationParams,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryView> {
    return this.conversations.history(caller, params.id, query);
  }

  @Put(':id/read')
  markRead(
    @CurrentCaller() caller: Caller,
    @Param() params: ConversationParams,
    @Body() body: ReadMarkerDto,
  ): Promise<ReadMarker> {
    return this.conversations.markRead(caller, params.id, body.seq);
  }

  @Get(':id/welcome')
  fetchWelcome(@CurrentCaller() caller: Caller, @Param() params: ConversationParams): Promise<WelcomePackageView> {
    return this.welcomes.fetchWelcome(caller, params.id);
  }

  @HttpCode(200)
  @Post(':id/welcome/confirm')
  confirmWelcome(@CurrentCaller() caller: Caller, @Param() params: ConversationParams): Promise<WelcomeConfirmation> {
    return this.welcomes.confirmWelcome(caller, params.id);
  }
}
