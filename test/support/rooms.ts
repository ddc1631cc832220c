import type { Socket } from 'socket.io-client';
import type { RoomUpdate } from '../../src/protocol/rooms.protocol';
import type { ClientEvent } from '../../src/realtime/on-event.decorator';
import { ask } from './test-app';

let actionCounter = 0;
/** A fresh client action id. */
export const aid = (prefix = 'a') => `${prefix}-${++actionCounter}-${Date.now().toString(36)}`;

/** Keeps every room:update a socket receives, and waits for one that matches. */
export class UpdateLog {
  readonly updates: RoomUpdate[] = [];
  private waiters: Array<{ test: (u: RoomUpdate) => boolean; resolve: (u: RoomUpdate) => void }> = [];

  constructor(readonly socket: Socket) {
    socket.on('room:update', (update: RoomUpdate) => {
      this.updates.push(update);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(update)) return true;
        waiter.resolve(update);
        return false;
      });
    });
  }

  get latest(): RoomUpdate | undefined {
    return this.updates.at(-1);
  }

  /** Resolves with the first update (already received or coming) that matches. */
  until(
    test: (update: RoomUpdate) => boolean,
    timeoutMs = 10_000,
    what = 'a matching room:update',
  ): Promise<RoomUpdate> {
    const seen = this.updates.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${what} within ${timeoutMs} ms (last: ${JSON.stringify(this.latest?.view?.game ?? this.latest?.view?.phase)})`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (update) => {
          clearTimeout(timer);
          resolve(update);
        },
      });
    });
  }

  /** Every game event type seen, in order. */
  eventTypes(): string[] {
    return this.updates.flatMap((update) => update.events.flatMap((event) => event.events.map((e) => e.type)));
  }
}

/** Asks and expects `{ ok: true }`, returning the data. */
export async function ok<T = any>(socket: Socket, event: ClientEvent, payload: unknown): Promise<T> {
  const reply = await ask(socket, event, payload);
  if (!reply?.ok) throw new Error(`${event} ${JSON.stringify(payload)} failed: ${JSON.stringify(reply)}`);
  return reply.data as T;
}
