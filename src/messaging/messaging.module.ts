import { Module } from '@nestjs/common';
import { ChatPublisher } from './chat.publisher';
import { ConversationsController } from './conversations.controller';
import { MessagingGateway } from './messaging.gateway';
import { MessagingListeners } from './messaging.listeners';
import { MessageHistoryReaderService } from './message-history.reader';
import { MessagingRepository } from './messaging.repository';
import { MessagingService } from './messaging.service';

/** Conversations (room channels, teams, direct, groups), members, messages and welcome delivery. */
@Module({
  controllers: [ConversationsController],
  providers: [MessagingRepository, MessagingService, ChatPublisher, MessagingGateway, MessagingListeners, MessageHistoryReaderService],
  exports: [MessagingService],
})
export class MessagingModule {}
