import { Injectable } from '@nestjs/common';
import { On } from '../../../src/realtime/on-event.decorator';
import { SocketEmitter } from '../../../src/realtime/socket-emitter.service';

/**
 * The server is typed against `src/protocol`: `npm test` type-checks this file, and each
 * `@ts-expect-error` below fails the type check the day the mistake it marks compiles again.
 */
describe('the typed protocol', () => {
  it('lets the emitter send only events of the map, each with its own payload', () => {
    const emitter = new SocketEmitter();
    emitter.toUser('u', 'room:kicked', { roomId: 'r', seat: 1 });
    // @ts-expect-error an event the protocol does not have
    emitter.toUser('u', 'room:kicked-out', { roomId: 'r', seat: 1 });
    // @ts-expect-error the right event with a wrong payload
    emitter.toUser('u', 'room:kicked', { roomId: 'r', seat: 'one' });
    // Unattached, the emitter sends nowhere and throws nothing.
    expect(() => emitter.toLocalSockets('server:shutdown', { reason: 'test', reconnectAfterMs: 0 })).not.toThrow();
  });

  it('lets a gateway handle only events of the map, answering with that event ack data', () => {
    @Injectable()
    class Handlers {
      @On('session:whoami')
      whoami() {
        return {
          id: 'u',
          kind: 'guest' as const,
          username: null,
          displayName: 'A',
          role: 'player' as const,
          ownerId: null,
          createdAt: '',
        };
      }

      // @ts-expect-error an event the protocol does not have
      @On('room:teleport')
      teleport() {
        return {};
      }

      // @ts-expect-error the ack data of room:leave is { roomId, seat, seq }
      @On('room:leave')
      leave() {
        return { roomId: 'r' };
      }
    }
    expect(new Handlers().whoami().kind).toBe('guest');
  });
});
