import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';

/** The codes the moderation module answers with, and their REST status. */
export const MODERATION_ERROR_STATUS = {
  REPORT_NOT_FOUND: HttpStatus.NOT_FOUND,
  REPORT_ALREADY_RESOLVED: HttpStatus.CONFLICT,
  REPORT_TARGET_NOT_FOUND: HttpStatus.NOT_FOUND,
  CANNOT_REPORT_SELF: HttpStatus.BAD_REQUEST,
  SANCTION_NOT_FOUND: HttpStatus.NOT_FOUND,
  SANCTION_ALREADY_REVOKED: HttpStatus.CONFLICT,
  SANCTION_INVALID: HttpStatus.BAD_REQUEST,
  SANCTION_TARGET_NOT_FOUND: HttpStatus.NOT_FOUND,
  CANNOT_SANCTION_STAFF: HttpStatus.FORBIDDEN,
  RULE_SET_INVALID: HttpStatus.UNPROCESSABLE_ENTITY,
  RULE_SET_VERSION_EXISTS: HttpStatus.CONFLICT,
  RULE_SET_NOT_FOUND: HttpStatus.NOT_FOUND,
  NO_CANDIDATE: HttpStatus.CONFLICT,
} as const satisfies Record<string, HttpStatus>;

export type ModerationErrorCode = keyof typeof MODERATION_ERROR_STATUS;

export function moderationError(code: ModerationErrorCode, message: string, details?: unknown): AppError {
  return new AppError(code, message, details, MODERATION_ERROR_STATUS[code]);
}
