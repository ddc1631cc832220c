import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter';
import { SocketReplyInterceptor } from './socket-reply.interceptor';

/**
 * A Socket.IO gateway with Arena's edges. The global guards (caller, throttling) and the global
 * validation pipe apply to gateways as to controllers (binding the pipe here too validated every event
 * twice); the global filter does not, so it is bound here: the `{ ok: false, error }` ack. And the
 * `{ ok: true, data }` ack with exactly-once events by `actionId`.
 */
export function ArenaGateway(): ClassDecorator {
  return applyDecorators(
    WebSocketGateway(),
    UseFilters(AllExceptionsFilter),
    UseInterceptors(SocketReplyInterceptor),
  );
}
