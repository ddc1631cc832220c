import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerOptions } from '@nestjs/throttler';
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';
import type { Response } from 'express';
import type { Socket } from 'socket.io';
import { AppError } from '../errors/app-error';
import { HandlerMetadataReflector } from '../../fast-path/handler-metadata';
import type { Caller } from '../../identity/caller';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

/** What the throttlers read of a request: the same shape for an HTTP request and a socket event. */
export interface ThrottleSubject {
  ip: string;
  caller?: Caller;
  headers: Record<string, unknown>;
}

/** Set on a request while its route's own limits are checked at its first run (see checkFirstRun). */
const FIRST_RUN = Symbol('arena:throttle-first-run');

/** True while a keyed request's route limits are checked at its first run: the general limits were counted already. */
export function isFirstRunCheck(context: ExecutionContext): boolean {
  return (
    context.getType() === 'http' && context.switchToHttp().getRequest<Record<symbol, unknown>>()[FIRST_RUN] === true
  );
}

/** The answer of every check that passes: one settled promise, not a new one per event. */
const ALLOWED = Promise.resolve(true);

/** One named throttler as it applies to one handler, with every value resolved. */
interface Step {
  throttler: ThrottlerOptions & { name: string };
  limit: number;
  ttl: number;
  blockDuration: number;
  skipIf: ThrottlerOptions['skipIf'];
  getTracker: NonNullable<ThrottlerOptions['getTracker']>;
  generateKey: NonNullable<ThrottlerOptions['generateKey']>;
}

/**
 * @nestjs/throttler over REST and socket events alike. Limits are per caller (user throttler) and per
 * address (ip throttler), counted across all routes; sockets and REST count separately. Past a limit,
 * REST answers 429 RATE_LIMITED with Retry-After, a socket event gets an error ack and stays connected.
 *
 * Every event passes here, so what the package works out per request (each throttler's skip flag,
 * limit, ttl, block duration, tracker and key function, from six metadata keys and three awaits) is
 * worked out once per handler; and with the in-process counters and plain values, the check runs
 * without making a promise. Anything else (a value given as a function, user agents to ignore, headers
 * to set, a tracker that answers a promise, the Redis counters) takes the package's own path. (This
 * path does not ask `shouldSkip`, which this class does not override.)
 */
@Injectable()
export class ArenaThrottlerGuard extends ThrottlerGuard {
  private readonly plans = new WeakMap<object, WeakMap<object, Step[] | null>>();

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    // Each named throttler reads six metadata keys per event; they are fixed per handler, so read once.
    Object.assign(this, { reflector: new HandlerMetadataReflector() });
  }

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const steps = this.stepsFor(context.getHandler(), context.getClass());
    if (steps === null || !(this.storageService instanceof MemoryThrottlerStorage)) return super.canActivate(context);
    const storage = this.storageService;
    const active = steps.filter((step) => !step.skipIf?.(context));
    if (active.length === 0) return ALLOWED;
    const { req } = this.getRequestResponse(context);
    const trackers = active.map((step) => step.getTracker(req, context));
    // Before anything is counted: a tracker that answers a promise takes the package's path for all of them.
    if (trackers.some((tracker) => typeof tracker !== 'string')) return super.canActivate(context);
    for (const [i, step] of active.entries()) {
      const tracker = trackers[i] as string;
      const key = step.generateKey(context, tracker, step.throttler.name);
      const hit = storage.count(key, step.ttl, step.limit, step.blockDuration, step.throttler.name);
      if (hit.isBlocked)
        return Promise.reject(this.rateLimited(context, { limit: step.limit, ttl: step.ttl, key, tracker, ...hit }));
    }
    return ALLOWED;
  }

  /**
   * A mutating REST request with an Idempotency-Key may be a replay, answered from the idempotency store
   * without running: the guard counts it against the general limits (ip, user) only, and the idempotency
   * interceptor calls this when the request really runs for the first time, so that only then it counts
   * against its route's own limits (report, auth). A replay is not a new report, nor a new sign-in.
   */
  async checkFirstRun(context: ExecutionContext): Promise<void> {
    const request = context.switchToHttp().getRequest<Record<symbol, unknown>>();
    request[FIRST_RUN] = true;
    try {
      await this.canActivate(context);
    } finally {
      delete request[FIRST_RUN];
    }
  }

  /* eslint-disable @typescript-eslint/no-explicit-any -- the signature is ThrottlerGuard's own */
  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, any>;
    res: Record<string, any>;
  } {
    /* eslint-enable @typescript-eslint/no-explicit-any */
    if (context.getType() === 'ws') {
      const socket = context.switchToWs().getClient<Socket>();
      const subject: ThrottleSubject = {
        ip: socket.handshake.address,
        caller: socket.data.caller as Caller | undefined,
        headers: socket.handshake.headers,
      };
      return { req: subject, res: {} };
    }
    return super.getRequestResponse(context);
  }

  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    return `${context.getType()}:${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw this.rateLimited(context, detail);
  }

  private rateLimited(context: ExecutionContext, detail: ThrottlerLimitDetail): AppError {
    const retryAfterSeconds = Math.max(1, detail.timeToBlockExpire);
    if (context.getType() === 'http')
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfterSeconds));
    return new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  /** The throttlers that apply to this handler, resolved as the package resolves them; null when one needs the package's path. */
  private stepsFor(handler: object, classRef: object): Step[] | null {
    let byClass = this.plans.get(handler);
    if (!byClass) this.plans.set(handler, (byClass = new WeakMap()));
    if (!byClass.has(classRef)) byClass.set(classRef, this.plan(handler as () => void, classRef as () => void));
    return byClass.get(classRef)!;
  }

  private plan(handler: () => void, classRef: () => void): Step[] | null {
    if (this.commonOptions.ignoreUserAgents) return null;
    const metadata = <T>(key: string, name: string) =>
      this.reflector.getAllAndOverride<T | undefined>(key + name, [handler, classRef]);
    const steps: Step[] = [];
    for (const throttler of this.throttlers) {
      const name = throttler.name!;
      if (metadata<boolean>(THROTTLER_SKIP, name)) continue;
      // As the package reads them (with ||), and only plain finite numbers: anything else is the package's to resolve.
      const limit = metadata<unknown>(THROTTLER_LIMIT, name) || throttler.limit;
      const ttl = metadata<unknown>(THROTTLER_TTL, name) || throttler.ttl;
      const blockDuration = metadata<unknown>(THROTTLER_BLOCK_DURATION, name) || throttler.blockDuration || ttl;
      const setHeaders = throttler.setHeaders ?? this.commonOptions.setHeaders ?? true;
      if (![limit, ttl, blockDuration].every(Number.isFinite) || setHeaders || throttler.ignoreUserAgents) return null;
      steps.push({
        throttler: { ...throttler, name },
        limit: limit as number,
        ttl: ttl as number,
        blockDuration: blockDuration as number,
        skipIf: throttler.skipIf || this.commonOptions.skipIf,
        getTracker:
          metadata<Step['getTracker']>(THROTTLER_TRACKER, name) ||
          throttler.getTracker ||
          this.commonOptions.getTracker!,
        generateKey:
          metadata<Step['generateKey']>(THROTTLER_KEY_GENERATOR, name) ||
          throttler.generateKey ||
          this.commonOptions.generateKey!,
      });
    }
    return steps;
  }
}
