import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { callerOf } from '../../identity/caller';
import { ArenaThrottlerGuard } from '../throttling/arena-throttler.guard';
import { IdempotencyService, canonicalJson } from './idempotency.service';

const SENSITIVE_RESPONSE = 'arena:sensitive-response';
/** The handler's response carries a credential shown once: its stored copy is encrypted. */
export const SensitiveResponse = () => SetMetadata(SENSITIVE_RESPONSE, true);

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A request this interceptor makes exactly-once: a repeat is answered from the store and does not run. */
export const replayable = (request: Request): boolean =>
  MUTATING.has(request.method) && request.header('idempotency-key') !== undefined;

/**
 * REST side of Invariant 2: a mutating request with an `Idempotency-Key` header runs once per
 * (caller, key); a repeat gets the stored status and body with `Idempotent-Replayed: true`.
 */
@Injectable()
export class HttpIdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
    private readonly throttler: ArenaThrottlerGuard,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    if (!replayable(request)) return next.handle();
    const key = request.header('idempotency-key')!;

    const caller = callerOf(request);
    const sensitive = this.reflector.get<boolean>(SENSITIVE_RESPONSE, context.getHandler()) ?? false;
    const run = async () => {
      const result = await this.idempotency.execute(
        {
          scope: caller ? `user:${caller.userId}` : `ip:${request.ip}`,
          key,
          fingerprint: `${request.method} ${request.originalUrl}\n${canonicalJson(request.body ?? null)}`,
          sensitive,
        },
        async () => {
          // Only a first run counts against the route's own limits; a replay never reaches here.
          await this.throttler.checkFirstRun(context);
          return { statusCode: response.statusCode, body: await lastValueFrom(next.handle(), { defaultValue: null }) };
        },
      );
      response.status(result.statusCode);
      if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
      return result.body;
    };
    return from(run());
  }
}
