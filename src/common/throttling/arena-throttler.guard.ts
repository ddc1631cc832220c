import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import type { Socket } from 'socket.io';
import { AppError } from '../errors/app-error';
import { HandlerMetadataReflector } from '../metadata/handler-metadata';
import type { Caller } from '../../identity/caller';

/** What the throttlers read of a request: the same shape for an HTTP request and a socket event. */
export interface ThrottleSubject {
  ip: string;
  caller?: Caller;
  headers: Record<string, unknown>;
}

/**
 * @nestjs/throttler over REST and socket events alike. Limits are per caller (user throttler) and per
 * address (ip throttler), counted across all routes; sockets and REST count separately. Past a limit,
 * REST answers 429 RATE_LIMITED with Retry-After, a socket event gets an error ack and stays connected.
 */
@Injectable()
export class ArenaThrottlerGuard extends ThrottlerGuard {
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    // Each named throttler reads six metadata keys per event; they are fixed per handler, so read once.
    Object.assign(this, { reflector: new HandlerMetadataReflector() });
  }

  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, any>; res: Record<string, any> } {
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

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, detail.timeToBlockExpire);
    if (context.getType() === 'http') context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfterSeconds));
    throw new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
