import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Socket } from 'socket.io';
import { toAppError } from './to-app-error';
import type { AppError } from './app-error';

export type SocketAck = (reply: unknown) => void;

/** Maps every error to `{ code, message, details? }` on REST, and to `{ ok: false, error }` on socket acks. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = toAppError(exception);
    if (error.status >= 500) this.logger.error({ err: exception }, 'unhandled error');
    if (host.getType() === 'ws') return this.replyOnSocket(error, host);
    if (host.getType() === 'http') return this.replyOnHttp(error, host);
  }

  private replyOnHttp(error: AppError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    if (response.headersSent) return;
    if (error.code === 'RATE_LIMITED' && !response.getHeader('Retry-After')) response.setHeader('Retry-After', '1');
    if (error.code === 'ROUTE_NOT_FOUND')
      error = Object.assign(error, { message: `No route ${request.method} ${request.path}` });
    response.status(error.status).json(error.toBody());
  }

  private replyOnSocket(error: AppError, host: ArgumentsHost): void {
    const [client, , ack, event] = host.getArgs<[Socket, unknown, unknown, string]>();
    const reply = { ok: false, error: error.toBody() };
    if (typeof ack === 'function') return (ack as SocketAck)(reply);
    if (client?.connected) client.emit('arena:error', { event, ...reply });
  }
}
