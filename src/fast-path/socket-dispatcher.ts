import {
  Injectable,
  Logger,
  SetMetadata,
  type ArgumentMetadata,
  type CanActivate,
  type OnApplicationBootstrap,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import {
  CUSTOM_ROUTE_ARGS_METADATA,
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { ApplicationConfig, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GATEWAY_METADATA, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Socket } from 'socket.io';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter';
import { AppError, type ErrorBody } from '../common/errors/app-error';
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

const OUTSIDE_TRANSACTION = 'arena:idempotent-outside-transaction';
/**
 * The handler commits through paths that take their own connections (the room runtime), so its
 * exactly-once record cannot share its transaction: it is kept beside it, and the handler must be safe
 * to run again with the same key (see IdempotentRequest.outsideTransaction).
 */
export const IdempotentOutsideTransaction = () => SetMetadata(OUTSIDE_TRANSACTION, true);

/** Client-chosen keys that make a socket event exactly-once, by name. */
const ACTION_KEYS = ['actionId', 'clientMsgId'] as const;

/** Nest's socket parameter kinds (@nestjs/websockets WsParamtype), as its route-argument keys spell them. */
const SOCKET_PARAM = 0;
const PAYLOAD_PARAM = 3;
const ACK_PARAM = 13;

type SocketAck = (reply: unknown) => void;
type Handler = (...args: unknown[]) => unknown;

interface RouteParam {
  index: number;
  value: (socket: Socket, data: unknown, ack: SocketAck | undefined, context: ExecutionContextHost) => unknown;
  metadata: ArgumentMetadata;
}

/** One `@SubscribeMessage` handler, resolved once at bootstrap. */
export interface SocketRoute {
  event: string;
  gateway: object;
  gatewayClass: Type;
  handler: Handler;
  params: RouteParam[];
  /** A handler with an `@Ack()` parameter answers itself. */
  acksItself: boolean;
  ownIdempotency: boolean;
  outsideTransaction: boolean;
}

/**
 * Arena's pipeline for socket events, in place of Nest's per-event one (which built an rxjs chain and
 * several async scopes for every packet: about a third of a chat message's CPU). It keeps the same
 * contract, in the same order, for every `@SubscribeMessage` handler of every gateway:
 *  1. the global guards (caller, throttling); a guard that says no is FORBIDDEN;
 *  2. exactly-once: an event whose payload carries an `actionId` (or `clientMsgId`) runs once per
 *     (caller, event, key) through the same store as REST's Idempotency-Key, unless the handler is
 *     `@OwnIdempotency()`; a retry gets the first ack, a different payload under the same key is refused;
 *  3. the global pipes (DTO validation) on each parameter, as Nest applies them;
 *  4. the handler; its result is the ack `{ ok: true, data }`;
 *  5. any error becomes `{ ok: false, error }` through AllExceptionsFilter.
 * Every event counts as in-flight work for drain-first shutdown. Handler- or gateway-level guards,
 * pipes, interceptors, filters and parameter pipes are refused at boot rather than silently skipped;
 * global interceptors are HTTP's (idempotency by header) and do not apply to socket events.
 */
@Injectable()
export class SocketDispatcher implements OnApplicationBootstrap {
  private readonly routes = new Map<string, SocketRoute>();
  /** The acks of events still running, so a drain that runs out of time can answer them before closing. */
  private readonly unanswered = new Set<SocketAck>();
  private guards: CanActivate[] = [];
  private pipes: PipeTransform[] = [];
  private readonly errors = new AllExceptionsFilter();
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly appConfig: ApplicationConfig,
    private readonly idempotency: IdempotencyService,
    private readonly lifecycle: LifecycleService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.appConfig.getGlobalRequestGuards().length > 0 || this.appConfig.getGlobalRequestPipes().length > 0) {
      throw new Error('SocketDispatcher: request-scoped global guards or pipes are not supported for socket events');
    }
    this.guards = this.appConfig.getGlobalGuards();
    this.pipes = this.appConfig.getGlobalPipes();
    for (const wrapper of this.discovery.getProviders()) {
      const gateway = wrapper.instance as object | undefined;
      const gatewayClass = wrapper.metatype as Type | undefined;
      if (!gateway || !gatewayClass || !Reflect.getMetadata(GATEWAY_METADATA, gatewayClass)) continue;
      for (const methodName of this.scanner.getAllMethodNames(Object.getPrototypeOf(gateway))) {
        const handler = (gateway as Record<string, Handler>)[methodName];
        if (!Reflect.getMetadata(MESSAGE_MAPPING_METADATA, handler)) continue;
        this.addRoute(compileRoute(gateway, gatewayClass, methodName, handler));
      }
    }
  }

  /**
   * How Nest's adapter turns a packet's arguments into (data, ack): set by ArenaIoAdapter, so the
   * framework's own mapping is the one used.
   */
  mapPayload: ((payload: unknown) => { data?: unknown; ack?: unknown }) | null = null;

  /** Whether some gateway handles this event. */
  handles(event: string): boolean {
    return this.routes.has(event);
  }

  /**
   * One screened packet of a handled event, as Nest would hand it to its handler (the realtime gateway's
   * middleware calls this for every packet that passes its checks). Sockets carry no listener per event:
   * sixty of them cost each connection about 3 KiB.
   */
  deliver(socket: Socket, event: string, args: unknown[]): void {
    if (!this.mapPayload) throw new Error('SocketDispatcher: no payload mapping (ArenaIoAdapter is not in use)');
    const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
    void this.dispatch(this.route(event), socket, data, typeof ack === 'function' ? (ack as SocketAck) : undefined);
  }

  /** The route Nest binds for this event; an event Nest knows and this does not is a startup bug. */
  route(event: string): SocketRoute {
    const route = this.routes.get(event);
    if (!route) throw new Error(`SocketDispatcher: no route for socket event ${JSON.stringify(event)}`);
    return route;
  }

  /** Runs one event through the pipeline and answers it; never rejects. */
  async dispatch(route: SocketRoute, socket: Socket, data: unknown, ack: SocketAck | undefined): Promise<void> {
    const context = new ExecutionContextHost([socket, data, ack, route.event], route.gatewayClass, route.handler);
    context.setType('ws');
    const done = this.lifecycle.begin();
    if (ack) this.unanswered.add(ack);
    try {
      for (const guard of this.guards) {
        const allowed = guard.canActivate(context);
        if (!(isObservable(allowed) ? await lastValueFrom(allowed) : await allowed))
          throw new AppError('FORBIDDEN', 'Not allowed');
      }
      const reply = await this.once(route, socket, data, () => this.invoke(route, socket, data, ack, context));
      if (!route.acksItself && typeof ack === 'function' && socket.connected) ack(reply);
    } catch (error) {
      try {
        this.errors.catch(error, context);
      } catch (failure) {
        this.logger.error({ err: failure, event: route.event }, 'answering a socket event failed');
      }
    } finally {
      if (ack) this.unanswered.delete(ack);
      done();
    }
  }

  /**
   * Answers every event still running with this error, at once (Socket.IO sends only the first answer
   * of an ack, so a handler that finishes later is not answered twice). For a drain out of time: a
   * client retries with the same actionId, and gets the first answer if the action did commit.
   */
  answerUnfinished(error: ErrorBody): number {
    const acks = [...this.unanswered];
    this.unanswered.clear();
    for (const ack of acks) ack({ ok: false, error });
    return acks.length;
  }

  private async invoke(
    route: SocketRoute,
    socket: Socket,
    data: unknown,
    ack: SocketAck | undefined,
    context: ExecutionContextHost,
  ): Promise<SocketOk<unknown>> {
    const args = new Array<unknown>(route.params.length);
    for (const param of route.params) {
      let value = param.value(socket, data, ack, context);
      if (value instanceof Promise) value = await value; // an async custom decorator's factory
      for (const pipe of this.pipes) value = await pipe.transform(value, param.metadata);
      args[param.index] = value;
    }
    return { ok: true, data: (await route.handler.apply(route.gateway, args)) ?? null };
  }

  private async once(
    route: SocketRoute,
    socket: Socket,
    data: unknown,
    run: () => Promise<SocketOk<unknown>>,
  ): Promise<SocketOk<unknown>> {
    const key = route.ownIdempotency ? undefined : actionKey(data);
    if (key === undefined) return run();
    const caller = socket.data.caller as Caller;
    const result = await this.idempotency.execute(
      {
        scope: `user:${caller.userId}`,
        key: `ws:${route.event}:${key}`,
        fingerprint: `${route.event}\n${canonicalJson(data)}`,
        outsideTransaction: route.outsideTransaction,
      },
      async () => ({ statusCode: 200, body: await run() }),
    );
    return result.body as SocketOk<unknown>;
  }

  private addRoute(route: SocketRoute): void {
    if (this.routes.has(route.event)) throw new Error(`SocketDispatcher: socket event ${route.event} has two handlers`);
    this.routes.set(route.event, route);
  }
}

function actionKey(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const payload = data as Record<string, unknown>;
  for (const name of ACTION_KEYS) if (typeof payload[name] === 'string') return payload[name];
  return undefined;
}

/** Reads a handler's parameters from Nest's metadata once; refuses what the pipeline would not honour. */
function compileRoute(gateway: object, gatewayClass: Type, methodName: string, handler: Handler): SocketRoute {
  const where = `${gatewayClass.name}.${methodName}`;
  for (const key of [GUARDS_METADATA, PIPES_METADATA, INTERCEPTORS_METADATA, EXCEPTION_FILTERS_METADATA]) {
    if (Reflect.getMetadata(key, handler) || Reflect.getMetadata(key, gatewayClass)) {
      throw new Error(
        `SocketDispatcher: ${where} declares ${key}; socket events run Arena's own pipeline (see SocketDispatcher)`,
      );
    }
  }
  const paramTypes = (Reflect.getMetadata('design:paramtypes', gateway, methodName) ?? []) as unknown[];
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, gatewayClass, methodName) ?? {}) as Record<
    string,
    {
      index: number;
      data?: unknown;
      pipes?: unknown[];
      factory?: (data: unknown, context: ExecutionContextHost) => unknown;
    }
  >;
  let acksItself = false;
  const params = Object.entries(declared).map(([key, { index, data: field, pipes, factory }]): RouteParam => {
    if (pipes && pipes.length > 0)
      throw new Error(`SocketDispatcher: ${where} has parameter pipes; validate through the DTO instead`);
    const metatype = paramTypes[index] as Type | undefined;
    if (key.includes(CUSTOM_ROUTE_ARGS_METADATA) && factory) {
      return {
        index,
        value: (_socket, _data, _ack, context) => factory(field, context),
        metadata: { type: 'custom', metatype, data: field as string },
      };
    }
    const kind = Number(key.split(':')[0]);
    // As Nest's PipesConsumer names them: the payload is the body; the socket and the ack are custom.
    const metadata: ArgumentMetadata = {
      type: kind === PAYLOAD_PARAM ? 'body' : 'custom',
      metatype,
      data: field as string | undefined,
    };
    if (kind === SOCKET_PARAM) return { index, value: (socket) => socket, metadata };
    if (kind === ACK_PARAM) {
      acksItself = true;
      return { index, value: (_socket, _data, ack) => ack, metadata };
    }
    if (kind === PAYLOAD_PARAM) {
      const pick =
        typeof field === 'string'
          ? (data: unknown) => (data as Record<string, unknown> | null | undefined)?.[field]
          : (data: unknown) => data;
      return { index, value: (_socket, data) => pick(data), metadata };
    }
    throw new Error(`SocketDispatcher: ${where} has a parameter of unsupported kind ${key}`);
  });
  return {
    event: Reflect.getMetadata(MESSAGE_METADATA, handler) as string,
    gateway,
    gatewayClass,
    handler,
    params,
    acksItself,
    ownIdempotency: Reflect.getMetadata(OWN_IDEMPOTENCY, handler) === true,
    outsideTransaction: Reflect.getMetadata(OUTSIDE_TRANSACTION, handler) === true,
  };
}
