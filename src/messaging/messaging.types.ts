import type { ConversationKind, MemberRole } from './domain/conversation';
import type { WelcomeState } from './domain/welcome';

/** A message as every member sees it. */
export interface ChatMessage {
  id: string;
  conversationId: string;
  /** Gapless per conversation, from 1. */
  seq: number;
  senderId: string;
  /** The sender's own key for this message (exactly-once). */
  clientMsgId: string;
  body: string;
  /** ISO time the message was committed. */
  sentAt: string;
}

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  title: string | null;
  roomId: string | null;
  channel: string | null;
  teamId: string | null;
  /** The seq of the newest message; 0 when there is none. */
  lastSeq: number;
  createdAt: string;
}

export interface MemberView {
  userId: string;
  displayName: string;
  role: MemberRole;
  joinedAt: string;
}

/** One of the caller's conversations, with where the caller stands in it. */
export interface MyConversation extends ConversationSummary {
  role: MemberRole;
  readSeq: number;
  /** Messages by others after the read marker. */
  unread: number;
}

export interface HistoryView {
  conversationId: string;
  messages: ChatMessage[];
  hasMore: boolean;
  lastSeq: number;
}

export interface ReadMarker {
  conversationId: string;
  readSeq: number;
  unread: number;
}

export interface WelcomePackageView {
  conversation: ConversationSummary;
  members: MemberView[];
  /** The newest messages at the first fetch, ascending; catch up from `conversation.lastSeq` with history. */
  messages: ChatMessage[];
  readSeq: number;
  state: WelcomeState;
  fetchedAt: string;
  /** After this, fetching again answers 410 WELCOME_EXPIRED unless confirmed first. */
  graceEndsAt: string;
}

export interface WelcomeConfirmation {
  conversationId: string;
  state: 'confirmed';
  confirmedAt: string;
}

export interface MembershipChange {
  conversationId: string;
  /** Users who became members with this request (members already in are not repeated). */
  added: string[];
  members: number;
}

export interface LeaveResult {
  conversationId: string;
  userId: string;
  /** When the member left: the same for every repeat of the leave. */
  leftAt: string;
  /** True only for the request that made the change. */
  changed: boolean;
}

export interface SyncCursor {
  conversationId: string;
  afterSeq: number;
}

export interface SyncResult {
  conversations: Array<{ conversationId: string; lastSeq: number; messages: ChatMessage[]; hasMore: boolean }>;
  /** Conversations asked for that the caller may not read, each with its code. */
  refused: Array<{ conversationId: string; code: string }>;
}
