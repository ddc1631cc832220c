import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { User } from '../../identity/entities/user.entity';
import { Conversation } from './conversation.entity';

/** A chat message: `seq` is gapless per conversation; (sender, clientMsgId) makes a send exactly-once. */
@Entity({ name: 'messages' })
@Unique('uq_messages_conversation_seq', ['conversationId', 'seq'])
@Unique('uq_messages_sender_client_msg_id', ['senderId', 'clientMsgId'])
@Check('chk_messages_seq', `seq > 0`)
@Check('chk_messages_body', `length(body) > 0`)
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'fk_messages_conversation_id' })
  conversation?: Conversation;

  @Column({ type: 'bigint' })
  seq: string;

  @Column({ name: 'sender_id', type: 'uuid' })
  senderId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sender_id', foreignKeyConstraintName: 'fk_messages_sender_id' })
  sender?: User;

  @Column({ name: 'client_msg_id', type: 'text' })
  clientMsgId: string;

  @Column({ type: 'text' })
  body: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
