import { applyDecorators, UseFilters, UseInterceptors, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter';
import { createValidationPipe } from '../common/errors/validation';
import { SocketReplyInterceptor } from './socket-reply.interceptor';

/**
 * A Socket.IO gateway with Arena's edges. The global guards (caller, throttling) apply to gateways as
 * to controllers; the global pipe and filter do not, so they are bound here: DTO validation, the
 * `{ ok: false, error }` ack, and the `{ ok: true, data }` ack with exactly-once events by `actionId`.
 */
export function ArenaGateway(): ClassDecorator {
  return applyDecorators(
    WebSocketGateway(),
    UsePipes(createValidationPipe()),
    UseFilters(AllExceptionsFilter),
    UseInterceptors(SocketReplyInterceptor),
  );
}
