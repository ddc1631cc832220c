import type { Socket } from 'socket.io-client';
import type { RoomUpdate, RoomView, RoomViewPatch } from '../../src/protocol/rooms.protocol';
import type { ClientEvent } from '../../src/realtime/on-event.decorator';
import { ask } from './test-app';

let actionCounter = 0;
/** A fresh client action id. */
export const aid = (prefix = 'a') => `${prefix}-${++actionCounter}-${Date.now().toString(36)}`;

/** A room:update with the view it leads to: the one it carried, or the previous view with its patch applied. */
export interface ViewedUpdate {
  roomId: string;
  seq: number;
  events: RoomUpdate['events'];
  view: RoomView;
  /** The patch it came as, if it was one. */
  patch?: RoomViewPatch;
  coalesced?: true;
}

/** The view a patch leads to: the view at seq `patch.from`, with the game's part replaced. */
export function applyRoomPatch(view: RoomView, seq: number, patch: RoomViewPatch): RoomView {
  return { ...view, seq, game: patch.game, result: patch.result };
}

/**
 * Follows room:update as a client does: each room's view, whole or patched, so every update it keeps has
 * its `view`. A patch on a view it does not hold (the socket entered from an ack the tracker did not see:
 * `seed` it with that view) cannot be followed: it is noted in `problems` and skipped, as the updates up
 * to the next whole view are.
 */
export class ViewTracker {
  private readonly views = new Map<string, RoomView>();
  readonly problems: string[] = [];

  seed(view: RoomView): void {
    const held = this.views.get(view.roomId);
    if (!held || held.seq < view.seq) this.views.set(view.roomId, view);
  }

  /** The update with its view; null for a coalesced view older than the held one, or a patch it cannot follow. */
  follow(update: RoomUpdate): ViewedUpdate | null {
    const held = this.views.get(update.roomId);
    if (update.view) {
      if (held && held.seq >= update.seq && update.coalesced) return null;
      this.views.set(update.roomId, update.view);
      return { ...update, view: update.view };
    }
    if (!held || held.seq !== update.patch.from) {
      this.problems.push(
        `room ${update.roomId}: a patch from seq ${update.patch.from} onto a view at ${held?.seq ?? 'none'}`,
      );
      return null;
    }
    const view = applyRoomPatch(held, update.seq, update.patch);
    this.views.set(update.roomId, view);
    return { ...update, view };
  }
}

/** Keeps every room:update a socket receives, with its view, and waits for one that matches. */
export class UpdateLog {
  readonly updates: ViewedUpdate[] = [];
  private readonly tracker = new ViewTracker();
  private readonly listeners: Array<(update: ViewedUpdate) => void> = [];
  private waiters: Array<{
    test: (u: ViewedUpdate) => boolean;
    resolve: (u: ViewedUpdate) => void;
  }> = [];

  constructor(readonly socket: Socket) {
    socket.on('room:update', (raw: RoomUpdate) => {
      const update = this.tracker.follow(raw);
      if (!update) return;
      this.updates.push(update);
      for (const listener of this.listeners) listener(update);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(update)) return true;
        waiter.resolve(update);
        return false;
      });
    });
  }

  /** Calls `listener` with every update from now on, with its view. */
  on(listener: (update: ViewedUpdate) => void): void {
    this.listeners.push(listener);
  }

  /** The view this socket got from an ack (room:join, room:watch, room:rejoin), for the patches after it. */
  seed(view: RoomView): void {
    this.tracker.seed(view);
  }

  get latest(): ViewedUpdate | undefined {
    return this.updates.at(-1);
  }

  /** Resolves with the first update (already received or coming) that matches. */
  until(
    test: (update: ViewedUpdate) => boolean,
    timeoutMs = 10_000,
    what = 'a matching room:update',
  ): Promise<ViewedUpdate> {
    const seen = this.updates.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no ${what} within ${timeoutMs} ms (last: ${JSON.stringify(this.latest?.view?.game ?? this.latest?.view?.phase)})` +
                (this.tracker.problems.length > 0 ? `; skipped: ${this.tracker.problems.slice(0, 3).join('; ')}` : ''),
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
