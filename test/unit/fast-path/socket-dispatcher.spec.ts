import { Injectable, UseGuards, type CanActivate, type INestApplication } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Test } from '@nestjs/testing';
import { IsString, MaxLength } from 'class-validator';
import { Socket } from 'socket.io'; // a value import on purpose: the parameter's design type is then the Socket class
import { createValidationPipe } from '../../../src/common/errors/validation';
import { IdempotencyService } from '../../../src/common/idempotency/idempotency.service';
import { LifecycleService } from '../../../src/common/lifecycle/lifecycle.service';
import { CurrentCaller } from '../../../src/identity/auth.decorators';
import type { Caller } from '../../../src/identity/caller';
import { SocketDispatcher } from '../../../src/fast-path/socket-dispatcher';

/**
 * The dispatcher on its own, with a probe gateway: what a socket client sees for each outcome. The
 * exactly-once store and the real gateways are covered end to end over socket.io-client.
 */
class EchoDto {
  @IsString() @MaxLength(5) text!: string;
}

@WebSocketGateway()
class ProbeGateway {
  calls = 0;

  @SubscribeMessage('probe:echo')
  echo(@CurrentCaller() caller: Caller, @MessageBody() body: EchoDto, @ConnectedSocket() socket: Socket) {
    this.calls += 1;
    return { userId: caller.userId, text: body.text, dto: body instanceof EchoDto, socketId: socket.id };
  }

  /** What probe:nothing waits for before it answers. */
  hold: Promise<void> = Promise.resolve();

  @SubscribeMessage('probe:nothing')
  async nothing() {
    await this.hold;
    return undefined;
  }

  @SubscribeMessage('probe:fail')
  fail() {
    throw new Error('boom');
  }
}

class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@WebSocketGateway()
class GuardedGateway {
  @UseGuards(DenyAll)
  @SubscribeMessage('probe:guarded')
  guarded() {
    return 'never';
  }
}

@Injectable()
class Gate implements CanActivate {
  open = true;
  canActivate(): boolean {
    return this.open;
  }
}

interface Reply {
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string };
}

function fakeSocket(caller: Caller | undefined): Socket {
  return { id: 'socket-1', connected: true, data: { caller }, emit: jest.fn() } as unknown as Socket;
}

describe('SocketDispatcher', () => {
  let app: INestApplication;
  let dispatcher: SocketDispatcher;
  let gateway: ProbeGateway;
  let gate: Gate;
  const caller = { userId: 'user-1', sessionId: 'session-1', role: 'player' } as Caller;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [
        ProbeGateway,
        Gate,
        SocketDispatcher,
        LifecycleService,
        {
          provide: IdempotencyService,
          useValue: { execute: () => Promise.reject(new Error('no actionId in these payloads')) },
        },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    gate = app.get(Gate);
    app.useGlobalGuards(gate);
    app.useGlobalPipes(createValidationPipe());
    await app.init();
    dispatcher = app.get(SocketDispatcher);
    gateway = app.get(ProbeGateway);
  });
  afterAll(() => app.close());

  async function ask(event: string, data: unknown, socket = fakeSocket(caller)): Promise<Reply | undefined> {
    let reply: Reply | undefined;
    await dispatcher.dispatch(dispatcher.route(event), socket, data, (answer) => (reply = answer as Reply));
    return reply;
  }

  it('passes the caller, the validated DTO and the socket, and acks { ok: true, data }', async () => {
    expect(await ask('probe:echo', { text: 'hi' })).toEqual({
      ok: true,
      data: { userId: 'user-1', text: 'hi', dto: true, socketId: 'socket-1' },
    });
  });

  it('refuses an invalid payload with VALIDATION_FAILED before the handler runs', async () => {
    const before = gateway.calls;
    const reply = await ask('probe:echo', { text: 'far too long', extra: 1 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(gateway.calls).toBe(before);
  });

  it('answers a handler that returns nothing with { ok: true, data: null }', async () => {
    expect(await ask('probe:nothing', {})).toEqual({ ok: true, data: null });
  });

  it('turns a thrown error into an INTERNAL_ERROR ack without leaking it', async () => {
    const reply = await ask('probe:fail', {});
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL_ERROR' }) });
    expect(JSON.stringify(reply)).not.toContain('boom');
  });

  it('runs the global guards first: a guard that says no stops the event with FORBIDDEN', async () => {
    gate.open = false;
    try {
      const before = gateway.calls;
      const reply = await ask('probe:echo', { text: 'hi' });
      expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(gateway.calls).toBe(before);
    } finally {
      gate.open = true;
    }
  });

  it('refuses an unauthenticated socket with UNAUTHENTICATED', async () => {
    expect(await ask('probe:echo', { text: 'hi' }, fakeSocket(undefined))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('counts each event as in-flight work until it is answered', async () => {
    const lifecycle = app.get(LifecycleService);
    let release!: () => void;
    gateway.hold = new Promise<void>((resolve) => (release = resolve));
    try {
      const answered = ask('probe:nothing', {});
      await new Promise((resolve) => setImmediate(resolve));
      expect(lifecycle.pending).toBe(1);
      release();
      expect(await answered).toEqual({ ok: true, data: null });
      expect(lifecycle.pending).toBe(0);
    } finally {
      release();
      gateway.hold = Promise.resolve();
    }
  });

  it('refuses at boot a handler-level enhancer it would not run', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [GuardedGateway, SocketDispatcher, LifecycleService, { provide: IdempotencyService, useValue: {} }],
    }).compile();
    const guarded = moduleRef.createNestApplication({ logger: false });
    await expect(guarded.init()).rejects.toThrow(/GuardedGateway\.guarded declares __guards__/);
    await guarded.close().catch(() => undefined);
  });
});
