import { Module } from '@nestjs/common';
import { ChatPublisher } from './chat.publisher';
import { ConversationsController } from './conversations.controller';
import { MessagingGateway } from './messaging.gateway';
import { MessagingListeners } from './messaging.listeners';
import { MessageHistoryReaderService } from './message-history.reader';
import { ChatSendService } from './chat-send.service';
import { ConversationsService } from './conversations.service';
import { WelcomeService } from './welcome.service';
import { MessagingRepository } from './messaging.repository';

/** Conversations (room channels, teams, direct, groups), members, messages and welcome delivery. */
@Module({
  controllers: [ConversationsController],
  providers: [
    MessagingRepository,
    ConversationsService,
    ChatSendService,
    WelcomeService,
    ChatPublisher,
    MessagingGateway,
    MessagingListeners,
    MessageHistoryReaderService,
  ],
  exports: [ConversationsService, ChatSendService],
})
export class MessagingModule {}
