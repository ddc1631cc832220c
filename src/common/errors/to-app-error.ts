import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { AppError } from './app-error';

/** Turns anything a handler may throw into an AppError; unknown errors become INTERNAL_ERROR. */
export function toAppError(exception: unknown): AppError {
  if (exception instanceof AppError) return exception;
  if (exception instanceof ThrottlerException) return new AppError('RATE_LIMITED', 'Too many requests; slow down');
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isDatabaseUnavailable(exception))
    return new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable right now; retry', { retryable: true });
  return new AppError(
    'INTERNAL_ERROR',
    'Something went wrong on our side',
    undefined,
    HttpStatus.INTERNAL_SERVER_ERROR,
  );
}

function fromHttpException(exception: HttpException): AppError {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'object' && response && 'message' in response
      ? String((response as { message: unknown }).message)
      : exception.message;
  switch (status) {
    case HttpStatus.NOT_FOUND:
      return new AppError('ROUTE_NOT_FOUND', message, undefined, status);
    case HttpStatus.UNAUTHORIZED:
      return new AppError('UNAUTHENTICATED', message, undefined, status);
    case HttpStatus.FORBIDDEN:
      return new AppError('FORBIDDEN', message, undefined, status);
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return new AppError('PAYLOAD_TOO_LARGE', message, undefined, status);
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return new AppError('UNSUPPORTED_MEDIA_TYPE', message, undefined, status);
    case HttpStatus.TOO_MANY_REQUESTS:
      return new AppError('RATE_LIMITED', message, undefined, status);
    default:
      return new AppError(status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', message, undefined, status);
  }
}

/** SQLSTATEs of a refused or dropped connection: class 08, too many clients, a backend ended by the server. */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03']);
/** The code of the error the database circuit breaker refuses with while it is open. */
export const DATABASE_CIRCUIT_OPEN = 'EDBCIRCUITOPEN';
const UNAVAILABLE_SOCKET_ERRORS = new Set([
  DATABASE_CIRCUIT_OPEN,
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** What pg says when a connection ends under a query, or the pool gives up waiting for one. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/;

/** True when PostgreSQL could not be reached or dropped the connection: worth retrying, not a bug. */
export function isDatabaseUnavailable(exception: unknown): boolean {
  const error = exception as { code?: unknown; message?: unknown; driverError?: { code?: unknown } } | null;
  if (!error || typeof error !== 'object') return false;
  const code = String(error.driverError?.code ?? error.code ?? '');
  if (UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || UNAVAILABLE_SOCKET_ERRORS.has(code))
    return true;
  return typeof error.message === 'string' && UNAVAILABLE_MESSAGES.test(error.message);
}
