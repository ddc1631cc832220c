import { SubscribeMessage } from '@nestjs/websockets';
import type { Ack, ClientToServerEvents } from '../protocol';

/** A client-to-server event of the protocol map. */
export type ClientEvent = keyof ClientToServerEvents;

/** What the event's acknowledgement carries on success, read from the protocol map. */
export type AckData<E extends ClientEvent> = ClientToServerEvents[E] extends (...args: infer A) => void
  ? A extends [...unknown[], Ack<infer T>]
    ? T
    : never
  : never;

/**
 * `@SubscribeMessage` checked against `src/protocol`: the event must be in the map and the handler must
 * resolve to that event's ack data, so a gateway cannot drift from what clients were promised.
 */
export function On<E extends ClientEvent>(event: E) {
  return <H extends (...args: never[]) => AckData<E> | Promise<AckData<E>>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): void => {
    SubscribeMessage(event)(target, key, descriptor);
  };
}
