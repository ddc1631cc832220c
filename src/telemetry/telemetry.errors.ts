import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';

/** The codes telemetry answers with, and their REST status. */
export const TELEMETRY_ERROR_STATUS = {
  UNKNOWN_GAME: HttpStatus.NOT_FOUND,
  INVALID_CURSOR: HttpStatus.BAD_REQUEST,
  INVALID_PERIOD: HttpStatus.BAD_REQUEST,
  ROOM_NOT_FOUND: HttpStatus.NOT_FOUND,
  PLAYER_NOT_FOUND: HttpStatus.NOT_FOUND,
  SEQ_OUT_OF_RANGE: HttpStatus.BAD_REQUEST,
} as const satisfies Record<string, HttpStatus>;

export type TelemetryErrorCode = keyof typeof TELEMETRY_ERROR_STATUS;

export function telemetryError(code: TelemetryErrorCode, message: string, details?: unknown): AppError {
  return new AppError(code, message, details, TELEMETRY_ERROR_STATUS[code]);
}
