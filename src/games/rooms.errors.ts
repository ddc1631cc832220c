import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { ErrorCode } from '../common/errors/error-codes';
import type { RoomRejectionCode } from './domain/room/room.types';

/**
 * The codes rooms and games answer with, and their REST status. Socket acks carry the same codes.
 * Game rule codes (WRONG_PHASE, ALREADY_ACTED, ...) come from the engines and map here too.
 */
export type RoomErrorCode = RoomRejectionCode | 'INVITE_REQUIRED' | 'ROOM_BUSY' | 'ROOM_CROWDED';

export const ROOM_ERROR_STATUS: Record<Exclude<RoomErrorCode, 'CONFLICT'>, number> = {
  ROOM_NOT_FOUND: HttpStatus.NOT_FOUND,
  UNKNOWN_GAME: HttpStatus.NOT_FOUND,
  ROOM_FULL: HttpStatus.CONFLICT,
  ROOM_ALREADY_STARTED: HttpStatus.CONFLICT,
  ROOM_CLOSED: HttpStatus.GONE,
  NAME_REQUIRED: HttpStatus.BAD_REQUEST,
  NAME_IN_USE: HttpStatus.CONFLICT,
  ALREADY_SEATED: HttpStatus.CONFLICT,
  SEAT_TAKEN: HttpStatus.CONFLICT,
  INVALID_SEAT: HttpStatus.BAD_REQUEST,
  SEAT_REQUIRED: HttpStatus.BAD_REQUEST,
  NOT_SEATED: HttpStatus.FORBIDDEN,
  HOST_ONLY: HttpStatus.FORBIDDEN,
  KICKED: HttpStatus.FORBIDDEN,
  INVITE_REQUIRED: HttpStatus.FORBIDDEN,
  NOT_ENOUGH_PLAYERS: HttpStatus.CONFLICT,
  INVALID_OPTIONS: HttpStatus.BAD_REQUEST,
  GAME_NOT_ACTIVE: HttpStatus.CONFLICT,
  NOT_YOUR_TURN: HttpStatus.CONFLICT,
  WRONG_PHASE: HttpStatus.CONFLICT,
  ROLE_FORBIDDEN: HttpStatus.FORBIDDEN,
  INVALID_TARGET: HttpStatus.BAD_REQUEST,
  ALREADY_ACTED: HttpStatus.CONFLICT,
  SELF_TARGET: HttpStatus.BAD_REQUEST,
  IMMUNE_TARGET: HttpStatus.BAD_REQUEST,
  SAME_OWNER: HttpStatus.BAD_REQUEST,
  DEAD_SEAT: HttpStatus.CONFLICT,
  TEXT_TOO_LONG: HttpStatus.BAD_REQUEST,
  CONTENT_BLOCKED: HttpStatus.UNPROCESSABLE_ENTITY,
  INVALID_ACTION: HttpStatus.BAD_REQUEST,
  STALE_DEADLINE: HttpStatus.CONFLICT,
  STALE_BOT_TURN: HttpStatus.CONFLICT,
  ROOM_BUSY: HttpStatus.SERVICE_UNAVAILABLE,
  ROOM_CROWDED: HttpStatus.SERVICE_UNAVAILABLE,
};

/** A room or game error; the shared codes (IDEMPOTENCY_KEY_REUSED, SHUTTING_DOWN...) keep their own status. */
export function roomError(code: RoomErrorCode | ErrorCode, message: string, details?: unknown): AppError {
  return new AppError(code, message, details, (ROOM_ERROR_STATUS as Record<string, number>)[code]);
}
