import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  MessageHistoryPort,
  type HistoryMessage,
  type MessageHistoryReader,
  type MessageRef,
} from '../common/ports/history.port';
import { MessagingRepository } from './messaging.repository';

/** What moderation may read of chat: where a reported message stands, and the messages around it. */
@Injectable()
export class MessageHistoryReaderService implements MessageHistoryReader, OnModuleInit {
  constructor(
    private readonly repository: MessagingRepository,
    private readonly port: MessageHistoryPort,
  ) {}

  onModuleInit(): void {
    this.port.use(this);
  }

  message(messageId: string): Promise<MessageRef | null> {
    return this.repository.messageRef(messageId);
  }

  around(conversationId: string, seq: number, around: number): Promise<HistoryMessage[]> {
    return this.repository.messagesAround(conversationId, seq, around);
  }
}
