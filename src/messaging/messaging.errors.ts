import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { WelcomeRefusal } from './domain/welcome';

/**
 * Messaging's stable error codes and their HTTP statuses (socket acks carry the same codes). Part of
 * the public protocol (docs/protocol-chat.md): add new ones, never rename.
 */
export const MESSAGING_ERROR_STATUS = {
  CONVERSATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  USER_NOT_FOUND: HttpStatus.NOT_FOUND,
  NOT_A_MEMBER: HttpStatus.FORBIDDEN,
  CHANNEL_CLOSED: HttpStatus.FORBIDDEN,
  MEMBERSHIP_MANAGED: HttpStatus.CONFLICT,
  GROUP_FULL: HttpStatus.CONFLICT,
  DIRECT_WITH_SELF: HttpStatus.BAD_REQUEST,
  BODY_EMPTY: HttpStatus.BAD_REQUEST,
  BODY_TOO_LONG: HttpStatus.BAD_REQUEST,
  BODY_INVALID: HttpStatus.BAD_REQUEST,
  CLIENT_MSG_ID_REQUIRED: HttpStatus.BAD_REQUEST,
  WELCOME_NOT_FOUND: HttpStatus.NOT_FOUND,
  WELCOME_NOT_FETCHED: HttpStatus.CONFLICT,
  WELCOME_EXPIRED: HttpStatus.GONE,
} as const;

export type MessagingErrorCode = keyof typeof MESSAGING_ERROR_STATUS;

export function messagingError(code: MessagingErrorCode, message: string, details?: unknown): AppError {
  return new AppError(code, message, details, MESSAGING_ERROR_STATUS[code]);
}

export const conversationNotFound = (conversationId: string) =>
  messagingError('CONVERSATION_NOT_FOUND', 'No such conversation', { conversationId });

export const notAMember = (conversationId: string) =>
  messagingError('NOT_A_MEMBER', 'You are not a member of this conversation', { conversationId });

/** A room channel the caller may not read or write right now, as its game declared. */
export const channelClosed = (conversationId: string, channel: string | null) =>
  messagingError('CHANNEL_CLOSED', 'This channel is closed to you right now', { conversationId, channel });

export const welcomeRefused = (refusal: WelcomeRefusal) =>
  refusal.code === 'WELCOME_EXPIRED'
    ? messagingError(
        'WELCOME_EXPIRED',
        refusal.reason === 'confirmed' ? 'This welcome was already confirmed' : 'This welcome is past its grace period',
        { reason: refusal.reason },
      )
    : messagingError('WELCOME_NOT_FETCHED', 'Fetch the welcome before confirming it', { reason: refusal.reason });

/** The same clientMsgId was used for another message (another conversation or body). */
export const clientMsgIdReused = (clientMsgId: string) =>
  new AppError('IDEMPOTENCY_KEY_REUSED', 'This clientMsgId was already used for a different message', { clientMsgId });
