import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { callerOf } from '../../identity/caller';
import { IdempotencyService, canonicalJson } from './idempotency.service';

const SENSITIVE_RESPONSE = 'arena:sensitive-response';
/** The handler's response carries a credential shown once: its stored copy is encrypted. */
export const SensitiveResponse = () => SetMetadata(SENSITIVE_RESPONSE, true);

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * REST side of Invariant 2: a mutating request with an `Idempotency-Key` header runs once per
 * (caller, key); a repeat gets the stored status and body with `Idempotent-Replayed: true`.
 */
@Injectable()
export class HttpIdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.header('idempotency-key');
    if (key === undefined || !MUTATING.has(request.method)) return next.handle();

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
        async () => ({ statusCode: response.statusCode, body: await lastValueFrom(next.handle(), { defaultValue: null }) }),
      );
      response.status(result.statusCode);
      if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
      return result.body;
    };
    return from(run());
  }
}
