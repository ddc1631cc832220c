import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { Socket } from 'socket.io';
import { IdempotencyService, canonicalJson } from '../common/idempotency/idempotency.service';
import { LifecycleService } from '../common/lifecycle/lifecycle.service';
import type { Caller } from '../identity/caller';

export interface SocketOk<T> {
  ok: true;
  data: T;
}

const OWN_IDEMPOTENCY = 'arena:own-idempotency';
/**
 * The handler makes its event exactly-once itself, in its own tables (e.g. a UNIQUE (sender,
 * clientMsgId) on messages), so the shared idempotency store is not used for it.
 */
export const OwnIdempotency = () => SetMetadata(OWN_IDEMPOTENCY, true);

/** Client-chosen keys that make a socket event exactly-once, by name. */
const ACTION_KEYS = ['actionId', 'clientMsgId'] as const;

/**
 * Every socket handler's reply becomes the ack `{ ok: true, data }`. An event whose payload carries an
 * `actionId` (or `clientMsgId`) runs once per (caller, event, key) through the same store as REST's
 * Idempotency-Key: a retry gets the first ack, a different payload under the same key is refused.
 */
@Injectable()
export class SocketReplyInterceptor implements NestInterceptor {
  private readonly ownIdempotency = new WeakMap<object, boolean>();

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly lifecycle: LifecycleService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<SocketOk<unknown>> {
    const socket = context.switchToWs().getClient<Socket>();
    const payload = context.switchToWs().getData<Record<string, unknown> | undefined>();
    const event = context.getArgByIndex<string>(3);
    const caller = socket.data.caller as Caller;
    const ownIdempotency = this.ownsIdempotency(context.getHandler());
    const key = ownIdempotency
      ? undefined
      : (ACTION_KEYS.map((name) => payload?.[name]).find((value) => typeof value === 'string') as string | undefined);

    const run = async (): Promise<SocketOk<unknown>> => {
      const done = this.lifecycle.begin();
      try {
        const handle = async () => ({ ok: true as const, data: await lastValueFrom(next.handle(), { defaultValue: null }) });
        if (key === undefined) return await handle();
        const result = await this.idempotency.execute(
          { scope: `user:${caller.userId}`, key: `ws:${event}:${key}`, fingerprint: `${event}\n${canonicalJson(payload)}` },
          async () => ({ statusCode: 200, body: await handle() }),
        );
        return result.body;
      } finally {
        done();
      }
    };
    return from(run());
  }

  /** Read once per handler: metadata does not change after start, and this runs on every event. */
  private ownsIdempotency(handler: ReturnType<ExecutionContext['getHandler']>): boolean {
    let owns = this.ownIdempotency.get(handler);
    if (owns === undefined) this.ownIdempotency.set(handler, (owns = this.reflector.get<boolean>(OWN_IDEMPOTENCY, handler) === true));
    return owns;
  }
}
