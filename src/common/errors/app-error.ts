import { ERROR_STATUS, type ErrorCode } from './error-codes';

/** The one error body Arena sends, on REST and in socket acks alike. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/**
 * A domain error with a stable code. Services throw it; the REST filter maps it to its HTTP status and
 * the socket filter to an `{ ok: false, error }` ack. Feature modules may use their own codes with an
 * explicit status.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status ?? ERROR_STATUS[code as ErrorCode] ?? 400;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
