import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';

/**
 * The teams module's stable codes and their HTTP statuses (socket acks carry the same codes). Part of the
 * public protocol (docs/protocol-teams.md): add new ones, never rename.
 */
export const TEAM_ERROR_STATUS = {
  SESSION_NOT_FOUND: HttpStatus.NOT_FOUND,
  SESSION_CLOSED: HttpStatus.GONE,
  TEAM_NOT_FOUND: HttpStatus.NOT_FOUND,
  TEAM_NAME_TAKEN: HttpStatus.CONFLICT,
  TEAM_FULL: HttpStatus.CONFLICT,
  TEAM_INACTIVE: HttpStatus.CONFLICT,
  ALREADY_IN_TEAM: HttpStatus.CONFLICT,
  NOT_IN_TEAM: HttpStatus.FORBIDDEN,
  HOST_CANNOT_PLAY: HttpStatus.FORBIDDEN,
  NAME_REQUIRED: HttpStatus.BAD_REQUEST,
} as const;

export type TeamErrorCode = keyof typeof TEAM_ERROR_STATUS;

export function teamError(code: TeamErrorCode, message: string, details?: unknown): AppError {
  return new AppError(code, message, details, TEAM_ERROR_STATUS[code]);
}
