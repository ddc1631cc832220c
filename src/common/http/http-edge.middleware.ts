import { Injectable, NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../errors/app-error';
import { findInputProblem, inputProblemError } from '../errors/input-bounds';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { MetricsService } from '../../telemetry/metrics.service';

const BODY_LIMIT = '1mb';
const parseJson = express.json({ limit: BODY_LIMIT, strict: true });
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The REST edge before any route: refuses new work while draining, counts in-flight requests, times
 * each request for /metrics, and parses JSON bodies itself so that malformed JSON (400 INVALID_JSON),
 * bodies over 1 MB (413) and non-JSON bodies (415) get Arena's error codes. A body or query nested past
 * MAX_INPUT_DEPTH, or carrying text PostgreSQL cannot store (NUL, unpaired surrogates, also as %00 in the
 * path), is 400 VALIDATION_FAILED before any guard, interceptor or validator walks it.
 */
@Injectable()
export class HttpEdgeMiddleware implements NestMiddleware {
  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly metrics: MetricsService,
  ) {}

  // Thrown errors (not next(error)) so that Nest's exception filter writes the one error body.
  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (this.lifecycle.draining && !request.path.startsWith('/health')) {
      response.setHeader('Connection', 'close');
      throw new AppError('SHUTTING_DOWN', 'The server is shutting down; retry shortly');
    }
    const done = this.lifecycle.begin();
    const stopTimer = this.metrics.httpDuration.startTimer({ method: request.method });
    response.once('close', () => {
      done();
      stopTimer({ route: routeLabel(request), status_code: String(response.statusCode) });
    });

    if (BODY_METHODS.has(request.method) && hasBody(request)) {
      if (!request.is('application/json') && !request.is('application/*+json')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
      }
      await new Promise<void>((resolve, reject) =>
        parseJson(request, response, (error?: unknown) => (error ? reject(bodyError(error)) : resolve())),
      );
    }
    if (/%00/.test(request.originalUrl.split('?')[0]))
      throw new AppError('VALIDATION_FAILED', 'The path contains a NUL character');
    const problem =
      findInputProblem(request.query) ?? (request.body === undefined ? null : findInputProblem(request.body));
    if (problem) throw inputProblemError(problem);
    next();
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function routeLabel(request: Request): string {
  const route = (request as Request & { route?: { path?: string } }).route?.path;
  return route ? `${request.baseUrl}${route}` : 'unmatched';
}

function bodyError(error: unknown): AppError {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', `The body is over ${BODY_LIMIT}`);
  if (type === 'entity.parse.failed') return new AppError('INVALID_JSON', 'The body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 application/json');
  }
  return new AppError('BAD_REQUEST', 'The body could not be read');
}
