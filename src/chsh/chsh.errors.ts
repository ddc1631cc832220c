import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';

/**
 * The chsh module's stable codes and their HTTP statuses (socket acks carry the same codes). Part of the
 * public protocol (docs/protocol-teams.md): add new ones, never rename.
 */
export const CHSH_ERROR_STATUS = {
  SESSION_NOT_FOUND: HttpStatus.NOT_FOUND,
  HOST_ONLY: HttpStatus.FORBIDDEN,
  SESSION_STARTED: HttpStatus.CONFLICT,
  SESSION_NOT_STARTED: HttpStatus.CONFLICT,
  SESSION_PAUSED: HttpStatus.CONFLICT,
  SESSION_NOT_PAUSED: HttpStatus.CONFLICT,
  NOT_IN_TEAM: HttpStatus.FORBIDDEN,
  TEAM_NOT_FULL: HttpStatus.CONFLICT,
  NOT_OPEN_ROUND: HttpStatus.CONFLICT,
  WRONG_ITEM: HttpStatus.BAD_REQUEST,
  ALREADY_ANSWERED: HttpStatus.CONFLICT,
} as const;

export type ChshErrorCode = keyof typeof CHSH_ERROR_STATUS;

export function chshError(code: ChshErrorCode, message: string, details?: unknown): AppError {
  return new AppError(code, message, details, CHSH_ERROR_STATUS[code]);
}
