import { applyDecorators, UseFilters, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter';
import { createValidationPipe } from '../common/errors/validation';
import { ArenaThrottlerGuard } from '../common/throttling/arena-throttler.guard';
import { AuthGuard } from '../identity/auth.guard';
import { SocketReplyInterceptor } from './socket-reply.interceptor';

/**
 * A Socket.IO gateway with Arena's edges: the caller from the handshake, throttling, DTO validation,
 * `{ ok, data | error }` acks, and exactly-once events keyed by `actionId`.
 */
export function ArenaGateway(): ClassDecorator {
  return applyDecorators(
    WebSocketGateway(),
    UseGuards(AuthGuard, ArenaThrottlerGuard),
    UsePipes(createValidationPipe()),
    UseFilters(AllExceptionsFilter),
    UseInterceptors(SocketReplyInterceptor),
  );
}
