import type { INestApplication } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { WsExceptionsHandler } from '@nestjs/websockets/exceptions/ws-exceptions-handler';
import { randomUUID } from 'node:crypto';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import type { Socket as ServerSocket } from 'socket.io';
import { AllExceptionsFilter } from '../../src/common/errors/all-exceptions.filter';
import type { AppConfig } from '../../src/config/app-config';
import { SocketDispatcher } from '../../src/fast-path/socket-dispatcher';
import { ArenaIoAdapter } from '../../src/realtime/arena-io.adapter';
import type { ClientEvent } from '../../src/realtime/on-event.decorator';
import { createTestApp, UNTHROTTLED, type TestApp } from '../support/test-app';

type NestCallback = (data: unknown, ack: (reply: unknown) => void) => unknown;

/** Arena's adapter, keeping for each socket the per-event callbacks Nest built for it (its own pipeline). */
class RecordingAdapter extends ArenaIoAdapter {
  readonly sockets = new Map<string, { socket: ServerSocket; nest: Map<string, NestCallback> }>();

  override bindMessageHandlers(
    socket: ServerSocket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    // Called once per gateway for each socket.
    const held = this.sockets.get(socket.id) ?? { socket, nest: new Map<string, NestCallback>() };
    for (const { message, callback } of handlers) held.nest.set(message as string, callback as NestCallback);
    this.sockets.set(socket.id, held);
    super.bindMessageHandlers(socket, handlers, transform);
  }
}

/**
 * Arena answers socket events through its own dispatcher and fast validation (src/fast-path) instead of
 * Nest's per-event pipeline. This runs a sample of events through both, on the same server socket, and
 * fails when their answers differ: a Nest upgrade that changes guards, pipes, filters or parameter
 * handling under the fast path shows up here rather than in production.
 */
describe('the socket fast path against Nest own pipeline', () => {
  let arena: TestApp;
  let adapter: RecordingAdapter;

  beforeAll(async () => {
    // Nest's socket pipeline ignores global filters (its ExceptionFiltersContext has no global ones) and
    // emits 'exception'; Arena's contract is AllExceptionsFilter's coded ack, so Nest's errors go through it.
    const filter = new AllExceptionsFilter();
    jest
      .spyOn(WsExceptionsHandler.prototype, 'handle')
      .mockImplementation((exception, host) => filter.catch(exception, host));
    arena = await createTestApp(UNTHROTTLED, undefined, (app: INestApplication, config: AppConfig) => {
      adapter = new RecordingAdapter(app, config);
      app.useWebSocketAdapter(adapter);
    });
  });
  afterAll(async () => {
    await arena.close();
    jest.restoreAllMocks();
  });

  const conversation = randomUUID();
  /** Events without an effect, or with payloads refused before any (Arena's exactly-once step is its own). */
  const SAMPLES: Array<[ClientEvent, unknown]> = [
    ['session:whoami', undefined],
    ['lobby:games', undefined],
    ['lobby:list', {}],
    ['lobby:list', { gameId: 'roast' }],
    ['lobby:list', { gameId: 5 }],
    ['lobby:list', { gameId: 'roast', extra: true }],
    ['lobby:list', 'roast'],
    ['lobby:list', null],
    ['room:watch', { roomId: 'not-a-uuid' }],
    ['room:watch', { roomId: randomUUID() }],
    ['room:rejoin', { roomId: randomUUID(), lastSeq: -1 }],
    ['room:rejoin', { roomId: randomUUID(), lastSeq: 3 }],
    ['room:unwatch', { roomId: randomUUID() }],
    ['chat:conversations', undefined],
    ['chat:history', { conversationId: 'x' }],
    ['chat:history', { conversationId: conversation, limit: 0 }],
    ['chat:history', { conversationId: conversation }],
    ['chat:sync', { cursors: [] }],
    ['chat:sync', { cursors: 'all' }],
    ['chat:sync', { cursors: [{ conversationId: conversation, afterSeq: -1 }] }],
    ['chat:sync', { cursors: [{ conversationId: conversation, afterSeq: 0 }], limit: 10 }],
    ['chat:read', { conversationId: conversation, seq: 1.5 }],
    ['chat:send', { conversationId: conversation, clientMsgId: 'm-1', body: '' }],
    ['chat:send', { conversationId: 'x', clientMsgId: 'm-1', body: 'hi' }],
    ['chat:send', { conversationId: conversation, clientMsgId: 'm-1', body: 'hi' }],
    ['chat:welcome', { conversationId: conversation }],
  ];

  it('answers every sampled event exactly as Nest own pipeline would', async () => {
    const client = await arena.socket(await arena.guest('Differential'));
    const held = adapter.sockets.get(client.id!);
    if (!held) throw new Error('the adapter did not see the socket');
    const dispatcher = arena.app.get(SocketDispatcher, { strict: false });

    const viaFastPath = (event: string, data: unknown) =>
      new Promise<unknown>((resolve) => void dispatcher.dispatch(dispatcher.route(event), held.socket, data, resolve));
    const viaNest = (event: string, data: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        const callback = held.nest.get(event);
        if (!callback) return reject(new Error(`Nest bound no handler for ${event}`));
        // Nest's filters answer a refusal through the ack; a success is the handler's return value.
        Promise.resolve(callback(data, resolve))
          .then((result) => (isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result))
          .then((result) => resolve({ ok: true, data: result ?? null }), reject);
      });

    const differences: string[] = [];
    const outcomes: Array<{ ok: boolean }> = [];
    for (const [event, data] of SAMPLES) {
      const [fast, nest] = [await viaFastPath(event, data), await viaNest(event, data)];
      outcomes.push(fast as { ok: boolean });
      if (JSON.stringify(fast) !== JSON.stringify(nest))
        differences.push(
          `${event} ${JSON.stringify(data)}: fast path ${JSON.stringify(fast)}, Nest ${JSON.stringify(nest)}`,
        );
    }
    expect(differences).toEqual([]);
    // The sample covers both outcomes, so agreement is not two empty answers.
    expect(outcomes.filter((reply) => reply.ok).length).toBeGreaterThan(4);
    expect(outcomes.filter((reply) => !reply.ok).length).toBeGreaterThan(10);
  });

  it('answers each event once through the middleware, with no listener per event on the socket', async () => {
    const client = await arena.socket(await arena.guest('No listeners'));
    const held = adapter.sockets.get(client.id!);
    if (!held) throw new Error('the adapter did not see the socket');
    const handled = [...held.nest.keys()];
    expect(handled.length).toBeGreaterThan(30);
    expect(handled.filter((event) => held.socket.listenerCount(event) > 0)).toEqual([]);

    // If Socket.IO passed a packet on past the middleware as well, a listener would see it a second time.
    const leaked: string[] = [];
    held.socket.on('lobby:games', () => leaked.push('lobby:games'));
    const answers: unknown[] = [];
    client.emit('lobby:games', (reply: unknown) => answers.push(reply));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answers).toEqual([expect.objectContaining({ ok: true })]);
    expect(leaked).toEqual([]);
  });
});
