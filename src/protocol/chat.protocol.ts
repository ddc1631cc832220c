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
} from '../messaging/messaging.types';
import type { Ack } from './ack';

export type {
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
};

/** Chat over Socket.IO (docs/protocol-chat.md). Every event is acknowledged. */
export interface ChatClientEvents {
  /** Exactly-once by (sender, clientMsgId); acknowledged after commit. */
  'chat:send': (payload: { conversationId: string; clientMsgId: string; body: string }, ack: Ack<ChatMessage>) => void;
  'chat:history': (
    payload: { conversationId: string; after?: number; before?: number; limit?: number },
    ack: Ack<HistoryView>,
  ) => void;
  /** After a (re)connect: everything after each cursor, in order; also (re)joins live delivery. */
  'chat:sync': (payload: { cursors: SyncCursor[]; limit?: number }, ack: Ack<SyncResult>) => void;
  'chat:read': (payload: { conversationId: string; seq: number }, ack: Ack<ReadMarker>) => void;
  'chat:conversations': (ack: Ack<MyConversation[]>) => void;
  'chat:create-group': (
    payload: { actionId: string; title: string; memberIds: string[] },
    ack: Ack<ConversationSummary & { members: number }>,
  ) => void;
  'chat:open-direct': (
    payload: { actionId: string; userId: string },
    ack: Ack<ConversationSummary & { created: boolean }>,
  ) => void;
  'chat:add-members': (
    payload: { actionId: string; conversationId: string; userIds: string[] },
    ack: Ack<MembershipChange>,
  ) => void;
  'chat:leave': (payload: { actionId: string; conversationId: string }, ack: Ack<LeaveResult>) => void;
  'chat:welcome': (payload: { conversationId: string }, ack: Ack<WelcomePackageView>) => void;
  'chat:welcome-confirm': (payload: { conversationId: string }, ack: Ack<WelcomeConfirmation>) => void;
}

export interface ChatServerEvents {
  /** A committed message of one of your conversations; seqs arrive in order (on a gap, catch up with chat:history). */
  'chat:message': (message: ChatMessage) => void;
  /** Several messages of one conversation committed together, in seq order: each counts as if it came as chat:message. */
  'chat:messages': (payload: { conversationId: string; messages: ChatMessage[] }) => void;
  'chat:member-joined': (payload: { conversationId: string; userIds: string[] }) => void;
  'chat:member-left': (payload: { conversationId: string; userId: string }) => void;
  /** You joined a conversation: fetch its welcome with chat:welcome, then confirm. */
  'chat:welcome-ready': (payload: { conversationId: string }) => void;
  /** Your read marker moved (from another of your sockets). */
  'chat:read-marker': (payload: ReadMarker) => void;
}
