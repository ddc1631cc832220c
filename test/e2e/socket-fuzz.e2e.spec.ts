import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents } from '../../src/protocol';
import { chatSocket, group, players, type Player } from '../support/chat';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, UNTHROTTLED, type TestApp } from '../support/test-app';

/** Every client event of src/protocol: the type check fails here when an event is added and not fuzzed. */
const EVENTS = Object.keys({
  'session:whoami': true,
  'profile:rename': true,
  'lobby:games': true,
  'lobby:list': true,
  'lobby:subscribe': true,
  'lobby:unsubscribe': true,
  'lobby:quick-match': true,
  'room:create': true,
  'room:watch': true,
  'room:unwatch': true,
  'room:rejoin': true,
  'room:join': true,
  'room:leave': true,
  'room:add-bots': true,
  'room:kick': true,
  'room:configure': true,
  'room:start': true,
  'room:reset': true,
  'room:rematch': true,
  'game:action': true,
  'chat:send': true,
  'chat:history': true,
  'chat:sync': true,
  'chat:read': true,
  'chat:conversations': true,
  'chat:create-group': true,
  'chat:open-direct': true,
  'chat:add-members': true,
  'chat:leave': true,
  'chat:welcome': true,
  'chat:welcome-confirm': true,
  'team:create': true,
  'team:join': true,
  'team:leave': true,
  'team:list': true,
  'team:get': true,
  'chsh:configure': true,
  'chsh:start': true,
  'chsh:pause': true,
  'chsh:resume': true,
  'chsh:restart': true,
  'chsh:report': true,
  'chsh:state': true,
  'chsh:answer': true,
  'stats:me': true,
  'leaderboard:get': true,
} satisfies Record<keyof ClientToServerEvents, true>) as Array<keyof ClientToServerEvents>;

/** Every payload field name the protocol uses, so that malformed values reach the validators and past them. */
const FIELDS = [
  'actionId',
  'clientMsgId',
  'conversationId',
  'roomId',
  'userId',
  'userIds',
  'memberIds',
  'displayName',
  'title',
  'body',
  'after',
  'before',
  'limit',
  'seq',
  'cursors',
  'afterSeq',
  'lastSeq',
  'gameId',
  'name',
  'seatName',
  'seatCount',
  'botFill',
  'private',
  'reconnectWindowMs',
  'options',
  'inviteCode',
  'seat',
  'count',
  'upTo',
  'target',
  'settings',
  'action',
  'type',
  'sessionId',
  'teamId',
  'mode',
  'round',
  'item',
  'answer',
  'metric',
  'period',
  'cursor',
  'minGames',
];

const deep = (levels: number, inner: unknown) =>
  Array.from({ length: levels }).reduce<unknown>((value) => [value], inner);

describe('socket fuzz: malformed payloads to every event get a coded error, never INTERNAL_ERROR', () => {
  let arena: TestApp;
  let alice: Player;
  let socket: Socket;
  let conversationId: string;
  let roomId: string;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED, WS_MAX_PAYLOAD_BYTES: '16384' });
    const [owner, other] = await players(arena, 2, 'Fuzz');
    alice = owner;
    conversationId = await group(arena, alice, [other]);
    socket = await chatSocket(arena, alice.token);
    roomId = (await ok(socket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 })).roomId;
  });
  afterAll(() => arena.close());

  it('has a route for every event it fuzzes', async () => {
    for (const event of EVENTS) {
      const reply = await ask(socket, event, {});
      expect({ event, code: reply.error?.code }).not.toEqual({ event, code: 'UNKNOWN_EVENT' });
    }
  });

  it('answers every malformed payload with ok or a coded error other than INTERNAL_ERROR, and the socket stays usable', async () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom(
        '',
        ' ',
        'a\u0000b',
        '\u0000',
        'a\ud800',
        '\udc00z',
        '\u202e',
        'x'.repeat(5000),
        '00000000-0000-4000-8000-000000000000',
      ),
    );
    const number = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(
        -1,
        0,
        1,
        2 ** 31,
        2 ** 53,
        2 ** 63,
        2 ** 64,
        1e21,
        1e308,
        -1e308,
        0.5,
        -0,
        Number.MAX_SAFE_INTEGER,
      ),
    );
    const ids = fc.constantFrom(conversationId, roomId, alice.userId);
    const scalar = fc.oneof(text, number, ids, fc.boolean(), fc.constant(null));
    const nasty = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 4 }),
      fc.constantFrom(
        [[]],
        [{}],
        [null],
        [[[]]],
        JSON.parse('{"__proto__":{"x":1}}'),
        { constructor: 1 },
        deep(40, 'x'),
        deep(2000, 1),
      ),
      fc.dictionary(fc.constantFrom(...FIELDS, 'a\u0000b'), scalar, { maxKeys: 4 }),
      fc.array(fc.record({ conversationId: fc.oneof(ids, text), afterSeq: number }, { requiredKeys: [] }), {
        maxLength: 3,
      }),
    );
    const payload = fc.oneof(
      { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), nasty, { maxKeys: 6 }) },
      { weight: 1, arbitrary: fc.anything({ maxDepth: 4 }) },
      { weight: 1, arbitrary: nasty },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...EVENTS),
        fc.array(payload, { minLength: 0, maxLength: 2 }),
        async (event, args) => {
          const reply = await ask(socket, event, ...args);
          const answered =
            reply?.ok === true ||
            (reply?.ok === false && typeof reply.error?.code === 'string' && typeof reply.error?.message === 'string');
          expect({ event, args, answered, code: reply?.error?.code }).toEqual({
            event,
            args,
            answered: true,
            code: expect.not.stringMatching(/^INTERNAL_ERROR$/),
          });
          expect(socket.connected).toBe(true);
        },
      ),
      { seed: 13, numRuns: 300 },
    );
    expect(await ask(socket, 'session:whoami')).toMatchObject({ ok: true });
  });
});
