import { WebSocketGateway } from '@nestjs/websockets';

/**
 * A Socket.IO gateway of Arena. Its `@SubscribeMessage` handlers run through SocketDispatcher: the global
 * guards (caller, throttling), exactly-once by `actionId`, the global validation pipe, then the `{ ok: true,
 * data }` ack, or `{ ok: false, error }` for any error.
 */
export function ArenaGateway(): ClassDecorator {
  return WebSocketGateway();
}
