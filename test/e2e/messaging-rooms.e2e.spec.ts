import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ArenaEvents } from '../../src/common/events/arena-events';
import { ContentPolicyPort } from '../../src/common/ports/content-policy.port';
import { defaultRoomChannelRule, mafiaChannelAccess } from '../../src/messaging/domain/channel-rules';
import { MessagingService } from '../../src/messaging/messaging.service';
import { RoomChannelRules } from '../../src/messaging/room-channel-rules.port';
import { chatSocket, collect, collectMessages, type Player, players, until } from '../support/chat';
import { ask, createTestApp, nextEvent, type TestApp, UNTHROTTLED } from '../support/test-app';

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
  afterEach(() => arena.app.get(RoomChannelRules).use(defaultRoomChannelRule));

  const emit = (event: string, payload: unknown) => events.emitAsync(event, payload);
  const channelId = async (roomId: string, channel = 'room') =>
    (await db.query('SELECT id FROM conversations WHERE room_id = $1 AND channel = $2', [roomId, channel])).rows[0]?.id as string | undefined;
  const members = async (conversationId: string) =>
    (await db.query('SELECT user_id, role FROM conversation_members WHERE conversation_id = $1 AND left_at IS NULL ORDER BY user_id', [conversationId])).rows;
  const join = (roomId: string, who: Player, role: 'seat' | 'spectator', seat: number | null = null) =>
    emit(ArenaEvents.roomMemberJoined, { roomId, userId: who.userId, role, seat });
  const say = (who: Player, conversationId: string, body: string) =>
    arena.http().post(`/conversations/${conversationId}/messages`).set(who.auth).send({ clientMsgId: randomUUID(), body });

  it("a game's private channel shows each member only what was said since it joined: the next game's mafia never reads the last game's", async () => {
    const roomId = randomUUID();
    const [first, second] = await players(arena, 2, 'Games');
    const reveal = { roomId, gameId: 'mafia', phase: 'night' };
    await emit(ArenaEvents.roomChannelsChanged, { ...reveal, channels: { mafia: [first.userId], dead: [] } });
    const mafia = (await channelId(roomId, 'mafia'))!;
    await say(first, mafia, 'the plan for game one').expect(201);

    // Back to the lobby, then a new game whose mafia is someone else.
    await emit(ArenaEvents.roomChannelsChanged, { ...reveal, phase: 'lobby', channels: { mafia: [], dead: [] } });
    await emit(ArenaEvents.roomChannelsChanged, { ...reveal, channels: { mafia: [second.userId], dead: [] } });
    const history = await arena.http().get(`/conversations/${mafia}/messages`).set(second.auth).expect(200);
    expect(history.body.messages).toEqual([]);
    const welcome = await arena.http().get(`/conversations/${mafia}/welcome`).set(second.auth).expect(200);
    expect(welcome.body.messages).toEqual([]);
    const mine = await say(second, mafia, 'the plan for game two').expect(201);
    const after = await arena.http().get(`/conversations/${mafia}/messages`).set(second.auth).expect(200);
    expect(after.body.messages.map((m: { id: string }) => m.id)).toEqual([mine.body.id]);
  });

  it('makes one room conversation per room, however often rooms.created is seen', async () => {
    const roomId = randomUUID();
    const [host] = await players(arena, 1, 'Host');
    await Promise.all([1, 2, 3].map(() => emit(ArenaEvents.roomCreated, { roomId, gameId: 'mafia', hostUserId: host.userId })));
    const rows = (await db.query('SELECT kind, channel, game_id FROM conversations WHERE room_id = $1', [roomId])).rows;
    expect(rows).toEqual([{ kind: 'room', channel: 'room', game_id: 'mafia' }]);
  });

  it('syncs seats and spectators idempotently, with a welcome and live delivery for each', async () => {
    const roomId = randomUUID();
    const [seat, fan] = await players(arena, 2, 'Roomie');
    const fanSocket = await chatSocket(arena, fan.token);
    const ready = nextEvent(fanSocket, 'chat:welcome-ready');
    await emit(ArenaEvents.roomCreated, { roomId, gameId: 'roast', hostUserId: seat.userId });
    await Promise.all([join(roomId, seat, 'seat', 0), join(roomId, seat, 'seat', 0), join(roomId, fan, 'spectator'), join(roomId, fan, 'spectator')]);
    const id = (await channelId(roomId))!;
    expect(await members(id)).toEqual(
      [
        { user_id: seat.userId, role: 'seat' },
        { user_id: fan.userId, role: 'spectator' },
      ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );
    expect(await ready).toEqual({ conversationId: id });
    const welcome = await ask(fanSocket, 'chat:welcome', { conversationId: id });
    expect(welcome).toMatchObject({ ok: true, data: { conversation: { kind: 'room', roomId, channel: 'room' } } });

    const live = collectMessages(fanSocket);
    await say(seat, id, 'welcome to the roast').expect(201);
    await until(() => live.length === 1, 5000, 'the room message');

    await join(roomId, fan, 'seat', 1);
    expect((await members(id)).find((m) => m.user_id === fan.userId)).toEqual({ user_id: fan.userId, role: 'seat' });
    expect(Number((await db.query('SELECT count(*) FROM welcome_packages WHERE conversation_id = $1', [id])).rows[0].count)).toBe(2);
  });

  it('keeps room membership in step with the room: the API cannot add or leave', async () => {
    const roomId = randomUUID();
    const [seat, other] = await players(arena, 2, 'Managed');
    await join(roomId, seat, 'seat', 0);
    const id = (await channelId(roomId))!;
    expect((await arena.http().post(`/conversations/${id}/members`).set(seat.auth).send({ userIds: [other.userId] }).expect(409)).body.code).toBe('MEMBERSHIP_MANAGED');
    expect((await arena.http().delete(`/conversations/${id}/members/me`).set(seat.auth).expect(409)).body.code).toBe('MEMBERSHIP_MANAGED');
  });

  it('leaves every channel of a room on rooms.member-left, once', async () => {
    const roomId = randomUUID();
    const [mafioso, town] = await players(arena, 2, 'Left');
    await join(roomId, mafioso, 'seat', 0);
    await join(roomId, town, 'seat', 1);
    await arena.app.get(MessagingService).setRoomChannelMembers(roomId, 'mafia', [mafioso.userId]);
    const townSocket = await chatSocket(arena, town.token);
    const left = collect(townSocket, 'chat:member-left');
    await Promise.all([1, 2, 3].map(() => emit(ArenaEvents.roomMemberLeft, { roomId, userId: mafioso.userId })));
    expect(await members((await channelId(roomId))!)).toEqual([{ user_id: town.userId, role: 'seat' }]);
    expect(await members((await channelId(roomId, 'mafia'))!)).toEqual([]);
    const fence = collectMessages(townSocket);
    await say(town, (await channelId(roomId))!, 'fence').expect(201);
    await until(() => fence.length === 1, 5000, 'the fence');
    expect(left).toEqual([{ conversationId: await channelId(roomId), userId: mafioso.userId }]);
  });

  describe('channel rules', () => {
    let roomId: string;
    let mafioso: Player;
    let town: Player;
    let ghost: Player;
    let fan: Player;
    let room: string;
    let mafia: string;
    let dead: string;
    const facts = new Map<string, { mafia: boolean; alive: boolean }>();

    beforeAll(async () => {
      roomId = randomUUID();
      [mafioso, town, ghost, fan] = await players(arena, 4, 'Mafia');
      await emit(ArenaEvents.roomCreated, { roomId, gameId: 'mafia', hostUserId: mafioso.userId });
      for (const [i, who] of [mafioso, town, ghost].entries()) await join(roomId, who, 'seat', i);
      await join(roomId, fan, 'spectator');
      facts.set(mafioso.userId, { mafia: true, alive: true });
      facts.set(town.userId, { mafia: false, alive: true });
      facts.set(ghost.userId, { mafia: false, alive: false });
      // What the games module does once roles are dealt and someone dies.
      const service = arena.app.get(MessagingService);
      await service.setRoomChannelMembers(roomId, 'mafia', [mafioso.userId]);
      await service.setRoomChannelMembers(roomId, 'dead', [ghost.userId]);
      [room, mafia, dead] = [(await channelId(roomId))!, (await channelId(roomId, 'mafia'))!, (await channelId(roomId, 'dead'))!];
    });

    const installMafiaRule = () =>
      arena.app.get(RoomChannelRules).use((context) => {
        const known = facts.get(context.userId);
        return mafiaChannelAccess(context.channel, {
          phase: context.phase,
          spectator: context.role === 'spectator',
          mafia: known?.mafia ?? false,
          alive: known?.alive ?? false,
        });
      });

    it('by default opens the room channel to its members and closes the others', async () => {
      await say(fan, room, 'hello all').expect(201);
      expect((await say(mafioso, mafia, 'psst').expect(403)).body.code).toBe('CHANNEL_CLOSED');
      expect((await arena.http().get(`/conversations/${mafia}/messages`).set(mafioso.auth).expect(403)).body.code).toBe('CHANNEL_CLOSED');
      expect((await say(town, mafia, 'let me in').expect(403)).body.code).toBe('NOT_A_MEMBER');
    });

    it('follows the game\'s rule and phase: the mafia whisper at night, nobody talks in the room at night, the dead talk among themselves', async () => {
      installMafiaRule();
      await emit(ArenaEvents.roomPhaseChanged, { roomId, gameId: 'mafia', phase: 'night' });
      const townSocket = await chatSocket(arena, town.token);
      const heardByTown = collectMessages(townSocket);

      const whisper = await say(mafioso, mafia, 'the baker tonight').expect(201);
      expect((await say(town, room, 'anyone awake?').expect(403)).body.code).toBe('CHANNEL_CLOSED');
      await say(ghost, dead, 'it was the butler').expect(201);
      expect((await say(fan, room, 'spoilers!').expect(403)).body.code).toBe('CHANNEL_CLOSED');

      await emit(ArenaEvents.roomPhaseChanged, { roomId, gameId: 'mafia', phase: 'discussion' });
      await say(town, room, 'good morning').expect(201);
      expect((await say(mafioso, mafia, 'by day?').expect(403)).body.code).toBe('CHANNEL_CLOSED');
      const history = await arena.http().get(`/conversations/${mafia}/messages`).set(mafioso.auth).expect(200);
      expect(history.body.messages.map((m: { id: string }) => m.id)).toEqual([whisper.body.id]);

      await until(() => heardByTown.length === 1, 5000, 'the town message');
      // Town heard only the room channel: never the mafia's or the dead's words.
      expect(heardByTown.map((m) => m.body)).toEqual(['good morning']);
    });

    it('answers a sync for a closed channel with its code', async () => {
      installMafiaRule();
      const socket = await chatSocket(arena, ghost.token);
      const sync = await ask(socket, 'chat:sync', { cursors: [{ conversationId: dead, afterSeq: 0 }, { conversationId: room, afterSeq: 0 }] });
      expect(sync.data.refused).toEqual([]);
      facts.set(ghost.userId, { mafia: false, alive: true });
      const closed = await ask(socket, 'chat:sync', { cursors: [{ conversationId: dead, afterSeq: 0 }] });
      expect(closed.data.refused).toEqual([{ conversationId: dead, code: 'CHANNEL_CLOSED' }]);
      facts.set(ghost.userId, { mafia: false, alive: false });
    });

    it('asks the content policy with the room for room channels', async () => {
      const seen: Array<{ roomId?: string }> = [];
      arena.app.get(ContentPolicyPort).use((_text, check) => {
        seen.push(check);
        return { allowed: true, code: null, category: null };
      });
      try {
        // A living seat, by day: allowed by any rule installed above.
        await say(town, room, 'policy check').expect(201);
      } finally {
        arena.app.get(ContentPolicyPort).use(() => ({ allowed: true, code: null, category: null }));
      }
      expect(seen.at(-1)).toEqual({ surface: 'chat', roomId, userId: town.userId });
    });
  });

  it('makes a team conversation from the teams module\'s events and follows its members', async () => {
    const teamId = randomUUID();
    const [alice, bob, carol] = await players(arena, 3, 'Team');
    await Promise.all([1, 2].map(() => emit(ArenaEvents.teamCreated, { teamId, name: 'Quantum', memberIds: [alice.userId, bob.userId] })));
    const id = (await db.query('SELECT id, kind, title FROM conversations WHERE team_id = $1', [teamId])).rows;
    expect(id).toEqual([{ id: expect.any(String), kind: 'team', title: 'Quantum' }]);
    await emit(ArenaEvents.teamMemberJoined, { teamId, userId: carol.userId });
    await emit(ArenaEvents.teamMemberLeft, { teamId, userId: alice.userId });
    expect((await members(id[0].id)).map((m) => m.user_id).sort()).toEqual([bob.userId, carol.userId].sort());
    await say(carol, id[0].id, 'hi team').expect(201);
    expect((await say(alice, id[0].id, 'still here?').expect(403)).body.code).toBe('NOT_A_MEMBER');
  });
});
