import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { AppError } from './app-error';

/** Turns anything a handler may throw into an AppError; unknown errors become INTERNAL_ERROR. */
export function toAppError(exception: unknown): AppError {
  if (exception instanceof AppError) return exception;
  if (exception instanceof ThrottlerException) return new AppError('RATE_LIMITED', 'Too many requests; slow down');
  if (exception instanceof HttpException) return fromHttpException(exception);
  return new AppError('INTERNAL_ERROR', 'Something went wrong on our side', undefined, HttpStatus.INTERNAL_SERVER_ERROR);
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
