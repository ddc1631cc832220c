import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { ArenaEvents } from '../../src/common/events/arena-events';
import { ContentPolicyPort } from '../../src/common/ports/content-policy.port';
import { chatSocket, collect, collectMessages, type Player, players, until } from '../support/chat';
import { aid, ok } from '../support/rooms';
import { ask, createTestApp, nextEvent, type TestApp, UNTHROTTLED } from '../support/test-app';

/** A room channel as a game declares it, in the shape chat_set_room_channels takes. */
interface Declared {
  channel: string;
  everyone: boolean;
  spectators: 'none' | 'read' | 'write';
  members: Array<{ user_id: string; read: boolean; write: boolean }>;
}

describe('room and team conversations', () => {
  let arena: TestApp;
  let db: Client;
  let events: EventEmitter2;

  beforeAll(async () => {
    arena = await createTestApp({ ...UNTHROTTLED });
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
    events = arena.app.get(EventEmitter2);
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const emit = (event: string, payload: unknown) => events.emitAsync(event, payload);
  const channelId = async (roomId: string, channel = 'room') =>
    (await db.query('SELECT id FROM conversations WHERE room_id = $1 AND channel = $2', [roomId, channel])).rows[0]
      ?.id as string | undefined;
  const members = async (conversationId: string) =>
    (
      await db.query(
        'SELECT user_id, role FROM conversation_members WHERE conversation_id = $1 AND left_at IS NULL ORDER BY user_id',
        [conversationId],
      )
    ).rows;
  const say = (who: Player, conversationId: string, body: string) =>
    arena
      .http()
      .post(`/conversations/${conversationId}/messages`)
      .set(who.auth)
      .send({ clientMsgId: randomUUID(), body });
  /** What the room runtime stores, with a room event, when the game's channels change. */
  const declare = async (roomId: string, channels: Declared[]) =>
    (await db.query('SELECT * FROM chat_set_room_channels($1, $2::jsonb)', [roomId, JSON.stringify(channels)])).rows;
  const seat = (who: Player, read = true, write = read) => ({ user_id: who.userId, read, write });
  const socketOf = (who: Player) => arena.socket(who.token);
  /** A room of `game` made over the socket by `host`, with `others` seated. */
  const makeRoom = async (game: string, host: Socket, others: Socket[] = []) => {
    const made = await ok<{ roomId: string }>(host, 'room:create', { actionId: aid(), gameId: game });
    for (const other of others) await ok(other, 'room:join', { actionId: aid(), roomId: made.roomId });
    return made.roomId;
  };

  it("a game's private channel shows each member only what was said since it joined: the next game's mafia never reads the last game's", async () => {
    const roomId = randomUUID();
    const [first, second] = await players(arena, 2, 'Games');
    const night = (mafioso: Player): Declared[] => [
      { channel: 'mafia', everyone: false, spectators: 'none', members: [seat(mafioso)] },
    ];
    await declare(roomId, night(first));
    const mafia = (await channelId(roomId, 'mafia'))!;
    await say(first, mafia, 'the plan for game one').expect(201);

    // Back to the lobby (the channel is no longer declared: closed), then a new game whose mafia is someone else.
    await declare(roomId, []);
    expect(await members(mafia)).toEqual([]);
    await declare(roomId, night(second));
    const history = await arena.http().get(`/conversations/${mafia}/messages`).set(second.auth).expect(200);
    expect(history.body.messages).toEqual([]);
    const welcome = await arena.http().get(`/conversations/${mafia}/welcome`).set(second.auth).expect(200);
    expect(welcome.body.messages).toEqual([]);
    const mine = await say(second, mafia, 'the plan for game two').expect(201);
    const after = await arena.http().get(`/conversations/${mafia}/messages`).set(second.auth).expect(200);
    expect(after.body.messages.map((m: { id: string }) => m.id)).toEqual([mine.body.id]);
  });

  it('makes one conversation per room channel, however often and however concurrently it is declared', async () => {
    const roomId = randomUUID();
    const [host] = await players(arena, 1, 'Host');
    const open: Declared[] = [{ channel: 'room', everyone: true, spectators: 'write', members: [seat(host)] }];
    const pool = arena.app.get(DataSource);
    await Promise.all(
      [1, 2, 3].map(() =>
        pool.query('SELECT * FROM chat_set_room_channels($1, $2::jsonb)', [roomId, JSON.stringify(open)]),
      ),
    );
    const rows = (
      await db.query('SELECT kind, channel, everyone, spectators FROM conversations WHERE room_id = $1', [roomId])
    ).rows;
    expect(rows).toEqual([{ kind: 'room', channel: 'room', everyone: true, spectators: 'write' }]);
    expect(await members((await channelId(roomId))!)).toEqual([{ user_id: host.userId, role: 'seat' }]);
  });

  it('puts seats and spectators in the room channel as the room commits them, with a welcome and live delivery for each', async () => {
    const [host, fan] = await players(arena, 2, 'Roomie');
    const [hostSocket, fanSocket] = [await chatSocket(arena, host.token), await chatSocket(arena, fan.token)];
    const roomId = await makeRoom('roast', hostSocket);
    const id = (await channelId(roomId))!;
    const ready = nextEvent(fanSocket, 'chat:welcome-ready');
    await ok(fanSocket, 'room:watch', { roomId });
    await ok(fanSocket, 'room:watch', { roomId });
    expect(await members(id)).toEqual(
      [
        { user_id: host.userId, role: 'seat' },
        { user_id: fan.userId, role: 'spectator' },
      ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );
    expect(await ready).toEqual({ conversationId: id });
    const welcome = await ask(fanSocket, 'chat:welcome', { conversationId: id });
    expect(welcome).toMatchObject({ ok: true, data: { conversation: { kind: 'room', roomId, channel: 'room' } } });

    const live = collectMessages(fanSocket);
    await say(host, id, 'welcome to the roast').expect(201);
    await until(() => live.length === 1, 5000, 'the room message');

    await ok(fanSocket, 'room:join', { actionId: aid(), roomId });
    expect((await members(id)).find((m) => m.user_id === fan.userId)).toEqual({ user_id: fan.userId, role: 'seat' });
    expect(
      Number((await db.query('SELECT count(*) FROM welcome_packages WHERE conversation_id = $1', [id])).rows[0].count),
    ).toBe(2);
  });

  it('keeps room membership in step with the room: the API cannot add or leave', async () => {
    const [host, other] = await players(arena, 2, 'Managed');
    const roomId = await makeRoom('roast', await socketOf(host));
    const id = (await channelId(roomId))!;
    expect(
      (
        await arena
          .http()
          .post(`/conversations/${id}/members`)
          .set(host.auth)
          .send({ userIds: [other.userId] })
          .expect(409)
      ).body.code,
    ).toBe('MEMBERSHIP_MANAGED');
    expect((await arena.http().delete(`/conversations/${id}/members/me`).set(host.auth).expect(409)).body.code).toBe(
      'MEMBERSHIP_MANAGED',
    );
  });

  it('takes a player who leaves its seat out of every channel of the room, once', async () => {
    const [host, leaver] = await players(arena, 2, 'Left');
    const [hostSocket, leaverSocket] = [await chatSocket(arena, host.token), await socketOf(leaver)];
    const roomId = await makeRoom('roast', hostSocket, [leaverSocket]);
    const id = (await channelId(roomId))!;
    const left = collect(hostSocket, 'chat:member-left');
    const leave = aid();
    await Promise.all([1, 2, 3].map(() => ok(leaverSocket, 'room:leave', { actionId: leave, roomId })));
    expect(await members(id)).toEqual([{ user_id: host.userId, role: 'seat' }]);
    const fence = collectMessages(hostSocket);
    await say(host, id, 'fence').expect(201);
    await until(() => fence.length === 1, 5000, 'the fence');
    expect(left).toEqual([{ conversationId: id, userId: leaver.userId }]);
  });

  describe('channel rules, as the rows say', () => {
    let roomId: string;
    let mafioso: Player;
    let town: Player;
    let ghost: Player;
    let fan: Player;
    let room: string;
    let mafia: string;
    let dead: string;

    /** Mafia's channels in a phase (what mafiaChannels declares for these three seats). */
    const phase = (name: 'lobby' | 'night' | 'discussion'): Declared[] => {
      const inPlay = name !== 'lobby';
      const night = name === 'night';
      return [
        { channel: 'dead', everyone: false, spectators: 'none', members: inPlay ? [seat(ghost)] : [] },
        { channel: 'mafia', everyone: false, spectators: 'none', members: [seat(mafioso, true, night)] },
        {
          channel: 'room',
          everyone: true,
          spectators: inPlay ? 'read' : 'write',
          members: [seat(mafioso, true, !night), seat(town, true, !night), seat(ghost, true, !inPlay)],
        },
      ];
    };

    beforeAll(async () => {
      roomId = randomUUID();
      [mafioso, town, ghost, fan] = await players(arena, 4, 'Mafia');
      await declare(roomId, phase('lobby'));
      // A spectator, as room:watch makes one.
      await db.query('SELECT * FROM chat_watch_room($1, $2, true)', [roomId, fan.userId]);
      [room, mafia, dead] = [
        (await channelId(roomId))!,
        (await channelId(roomId, 'mafia'))!,
        (await channelId(roomId, 'dead'))!,
      ];
    });

    it('in the lobby opens the room channel to its members and spectators and keeps the others closed', async () => {
      await declare(roomId, phase('lobby'));
      await say(fan, room, 'hello all').expect(201);
      expect((await say(mafioso, mafia, 'psst').expect(403)).body.code).toBe('CHANNEL_CLOSED');
      expect((await say(town, mafia, 'let me in').expect(403)).body.code).toBe('NOT_A_MEMBER');
      expect((await say(ghost, dead, 'anyone?').expect(403)).body.code).toBe('NOT_A_MEMBER');
    });

    it('follows the declared rules: the mafia whisper at night, nobody talks in the room at night, the dead talk among themselves', async () => {
      await declare(roomId, phase('night'));
      const townSocket = await chatSocket(arena, town.token);
      const heardByTown = collectMessages(townSocket);

      const whisper = await say(mafioso, mafia, 'the baker tonight').expect(201);
      expect((await say(town, room, 'anyone awake?').expect(403)).body.code).toBe('CHANNEL_CLOSED');
      await say(ghost, dead, 'it was the butler').expect(201);
      expect((await say(fan, room, 'spoilers!').expect(403)).body.code).toBe('CHANNEL_CLOSED');

      await declare(roomId, phase('discussion'));
      await say(town, room, 'good morning').expect(201);
      expect((await say(ghost, room, 'from beyond').expect(403)).body.code).toBe('CHANNEL_CLOSED');
      expect((await say(mafioso, mafia, 'by day?').expect(403)).body.code).toBe('CHANNEL_CLOSED');
      const history = await arena.http().get(`/conversations/${mafia}/messages`).set(mafioso.auth).expect(200);
      expect(history.body.messages.map((m: { id: string }) => m.id)).toEqual([whisper.body.id]);

      await until(() => heardByTown.length === 1, 5000, 'the town message');
      // Town heard only the room channel: never the mafia's or the dead's words.
      expect(heardByTown.map((m) => m.body)).toEqual(['good morning']);
    });

    it('keeps a member who may not read in the channel, refused with its code, and its sockets out of the live messages', async () => {
      await declare(roomId, phase('discussion'));
      const socket = await chatSocket(arena, ghost.token);
      const sync = await ask(socket, 'chat:sync', {
        cursors: [
          { conversationId: dead, afterSeq: 0 },
          { conversationId: room, afterSeq: 0 },
        ],
      });
      expect(sync.data.refused).toEqual([]);
      const unreadable = phase('discussion').map((c) =>
        c.channel === 'dead' ? { ...c, members: [seat(ghost, false)] } : c,
      );
      const rows = await declare(roomId, unreadable);
      expect(rows).toEqual([{ conversation_id: dead, user_id: ghost.userId, change: 'access', readable: false }]);
      const closed = await ask(socket, 'chat:sync', { cursors: [{ conversationId: dead, afterSeq: 0 }] });
      expect(closed.data.refused).toEqual([{ conversationId: dead, code: 'CHANNEL_CLOSED' }]);
      expect((await arena.http().get(`/conversations/${dead}/messages`).set(ghost.auth).expect(403)).body.code).toBe(
        'CHANNEL_CLOSED',
      );
      expect(await members(dead)).toEqual([{ user_id: ghost.userId, role: 'seat' }]);
      await declare(roomId, phase('discussion'));
    });

    it('asks the content policy with the room for room channels', async () => {
      await declare(roomId, phase('discussion'));
      const seen: Array<{ roomId?: string }> = [];
      arena.app.get(ContentPolicyPort).use((_text, check) => {
        seen.push(check);
        return { allowed: true, code: null, category: null };
      });
      try {
        await say(town, room, 'policy check').expect(201);
      } finally {
        arena.app.get(ContentPolicyPort).use(() => ({ allowed: true, code: null, category: null }));
      }
      expect(seen.at(-1)).toEqual({ surface: 'chat', roomId, userId: town.userId });
    });
  });

  it("makes a team conversation from the teams module's events and follows its members", async () => {
    const teamId = randomUUID();
    const [alice, bob, carol] = await players(arena, 3, 'Team');
    await Promise.all(
      [1, 2].map(() =>
        emit(ArenaEvents.teamCreated, { teamId, name: 'Quantum', memberIds: [alice.userId, bob.userId] }),
      ),
    );
    const id = (await db.query('SELECT id, kind, title FROM conversations WHERE team_id = $1', [teamId])).rows;
    expect(id).toEqual([{ id: expect.any(String), kind: 'team', title: 'Quantum' }]);
    await emit(ArenaEvents.teamMemberJoined, { teamId, userId: carol.userId });
    await emit(ArenaEvents.teamMemberLeft, { teamId, userId: alice.userId });
    expect((await members(id[0].id)).map((m) => m.user_id).sort()).toEqual([bob.userId, carol.userId].sort());
    await say(carol, id[0].id, 'hi team').expect(201);
    expect((await say(alice, id[0].id, 'still here?').expect(403)).body.code).toBe('NOT_A_MEMBER');
  });
});
