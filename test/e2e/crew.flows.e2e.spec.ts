import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import type { CrewView } from '../../src/games/domain/crew/crew.types';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

interface Player {
  token: string;
  socket: Socket;
  log: UpdateLog;
  userId: string;
}

const crewOf = (update: { view: { game: unknown } }) => update.view.game as CrewView | null;

const until = async <T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** A human who plays Crew from its own view: the crew do their task, the impostor kills the lowest crew seat, everyone skips. */
function autoplayCrew(player: Player, roomId: string): void {
  const done = new Set<string>();
  player.log.on((update) => {
    const game = update.view.game as CrewView | null;
    if (!game?.you?.mustAct) return;
    const key = `${game.phase}:${game.round}:${game.deadline?.id}`;
    if (done.has(key)) return;
    done.add(key);
    let action: Record<string, unknown> = { type: 'skip' };
    if (game.phase === 'tasks') {
      const target = game.seats.find((seat) => seat.alive && !game.you!.impostors.includes(seat.seat));
      action = game.you.role === 'impostor' && target ? { type: 'kill', seat: target.seat } : { type: 'task' };
    }
    void ask(player.socket, 'game:action', { actionId: aid('crew'), roomId, action });
  });
}

describe('Crew over Socket.IO', () => {
  let arena: TestApp;
  let db: Client;

  beforeAll(async () => {
    arena = await createTestApp(FAST_ROOMS);
    db = new Client({ connectionString: arena.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await arena.close();
  });

  const playerOn = async (app: TestApp, name: string): Promise<Player> => {
    const token = await app.guest(name);
    const socket = await app.socket(token);
    const me = await app.http().get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    return { token, socket, log: new UpdateLog(socket), userId: me.body.id };
  };
  const player = (name: string) => playerOn(arena, name);

  /** A started room of these players (the first hosts), the rest of the seats filled with bots. */
  async function crewRoom(players: Player[], seatCount: number, options: Record<string, number>, extra = {}) {
    const [host] = players;
    const room = await ok(host.socket, 'room:create', {
      actionId: aid(),
      gameId: 'crew',
      seatCount,
      botFill: players.length < seatCount,
      options,
      ...extra,
    });
    for (const other of players.slice(1)) await ok(other.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
    await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    return room.roomId as string;
  }

  const snapshot = async (roomId: string) =>
    (await db.query('SELECT state, version, next_deadline_id FROM rooms WHERE id = $1', [roomId])).rows[0];

  it('is listed with its seats and options', async () => {
    const { games } = (await arena.http().get('/games').expect(200)).body;
    expect(games.find((game: { gameId: string }) => game.gameId === 'crew')).toEqual({
      gameId: 'crew',
      minSeats: 4,
      maxSeats: 10,
      defaultOptions: { tasksMs: 8000, meetingMs: 6000, tasksPerCrew: 2, impostors: 0, maxRounds: 10 },
      rulesVersion: 1,
      allowsSeatlessHost: false,
    });
    const socket = (await player('Crew Lister')).socket;
    const refused = await ask(socket, 'room:create', { actionId: aid(), gameId: 'crew', options: { tasksPerCrew: 0 } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_OPTIONS' } });
  });

  it('one human and four bots play to the end; nobody learns the impostor, a killer or an open vote early', async () => {
    const human = await player('Crew Human');
    const spectator = await player('Crew Fan');
    const roomId = await crewRoom([human], 5, { tasksMs: 600, meetingMs: 400, maxRounds: 6 });
    spectator.log.seed(await ok(spectator.socket, 'room:watch', { roomId }));
    autoplayCrew(human, roomId);
    const done = await human.log.until((u) => u.view.phase === 'finished', 30_000, 'a finished crew game');
    const end = crewOf(done)!;
    expect(['crew', 'impostor']).toContain(end.winner);
    expect(end.roles).not.toBeNull();
    expect(done.view.result?.winners.length).toBeGreaterThan(0);
    const impostors = Object.entries(end.roles!)
      .filter(([, role]) => role === 'impostor')
      .map(([seat]) => Number(seat));
    expect(impostors).toHaveLength(1);
    const humanIsImpostor = impostors.includes(0);
    const watched = await spectator.log.until((u) => u.view.phase === 'finished', 30_000, 'the spectator sees the end');
    expect(crewOf(watched)?.winner).toBe(end.winner);
    for (const [log, isImpostor] of [
      [human.log, humanIsImpostor],
      [spectator.log, false],
    ] as const) {
      for (const update of log.updates) {
        const view = crewOf(update);
        if (!view || view.phase === 'finished') continue;
        expect(view.roles).toBeNull();
        expect(view.kills).toBeNull();
        if (!isImpostor) expect(JSON.stringify(view)).not.toContain('"impostor"');
        if (view.phase === 'meeting') expect(view.lastMeeting?.round ?? 0).toBeLessThan(view.round);
        const events = update.events.flatMap((event) => event.events);
        if (events.some((event) => event.type === 'game_finished')) continue;
        expect(JSON.stringify(events)).not.toContain('"killer"');
        if (!isImpostor) expect(JSON.stringify(events)).not.toContain('"impostor"');
        for (const event of update.events) if (event.type === 'game.act') expect(event.actorSeat ?? 0).toBe(0);
      }
    }
    // The spectator's replay is filtered the same way: no role event, no move's author.
    const replay = await ok(spectator.socket, 'room:rejoin', { roomId, lastSeq: 0 });
    const replayed = replay.events.flatMap((event: { events: { type: string }[] }) => event.events);
    expect(replayed.map((event: { type: string }) => event.type)).not.toContain('role_assigned');
    expect(
      replay.events.every(
        (event: { actorSeat: number | null; type: string }) => event.type !== 'game.act' || event.actorSeat === null,
      ),
    ).toBe(true);
    const beforeEnd = replayed.slice(
      0,
      replayed.findIndex((event: { type: string }) => event.type === 'game_finished'),
    );
    expect(JSON.stringify(beforeEnd)).not.toMatch(/"killer"|"impostor"/);
  });

  it("a dropped human's seat is held for the reconnect window, then a bot plays it to the end", async () => {
    const host = await player('Crew Stayer');
    const leaver = await player('Crew Leaver');
    const roomId = await crewRoom(
      [host, leaver],
      4,
      { tasksMs: 500, meetingMs: 300, maxRounds: 4 },
      { reconnectWindowMs: 400 },
    );
    autoplayCrew(host, roomId);
    await leaver.log.until((u) => crewOf(u)?.phase === 'tasks');
    leaver.socket.disconnect();
    const held = await host.log.until((u) => u.view.seats[1]?.away === true, 5000, 'seat 1 held');
    expect(held.view.seats[1]).toMatchObject({ control: 'player', away: true });
    const handed = await host.log.until((u) => u.view.seats[1]?.control === 'bot', 5000, 'seat 1 handed to a bot');
    expect(handed.seq).toBeGreaterThan(held.seq);
    const finished = await host.log.until((u) => u.view.phase === 'finished', 30_000, 'the game to finish');
    expect(crewOf(finished)?.winner).not.toBeNull();
  });

  it('a restart mid-meeting on the same database fires the pending meeting deadline exactly once', async () => {
    const a = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    const players = [
      await playerOn(a, 'Restart Crew 0'),
      await playerOn(a, 'Restart Crew 1'),
      await playerOn(a, 'Restart Crew 2'),
      await playerOn(a, 'Restart Crew 3'),
    ];
    const roomId = await crewRoom(players, 4, { tasksMs: 60_000, meetingMs: 1200 }, { reconnectWindowMs: 60_000 });
    await ok(players[2].socket, 'game:action', { actionId: aid(), roomId, action: { type: 'meeting' } });
    await ok(players[3].socket, 'game:action', { actionId: aid(), roomId, action: { type: 'skip' } });
    const { next_deadline_id: deadlineId } = await snapshot(roomId);
    expect(deadlineId).toMatch(/^g1:meeting:1:/);
    await a.close();
    const fires = async (id: string) =>
      Number(
        (
          await db.query(
            `SELECT count(*) FROM room_events WHERE room_id = $1 AND (action_id = $2 OR (type = 'game.timeout' AND payload->'command'->>'deadlineId' = $3))`,
            [roomId, `deadline:${id}`, id.replace(/^g1:/, '')],
          )
        ).rows[0].count,
      );
    expect(await fires(deadlineId)).toBe(0);

    // Two new processes on the same database race for the deadline.
    const b = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    const c = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    try {
      const resumed = await until(async () => {
        const s = await snapshot(roomId);
        return s.state.game.phase === 'tasks' && s.state.game.round === 2 && s;
      }, 'the meeting deadline to fire after the restart');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await fires(deadlineId)).toBe(1);
      expect(resumed.state.game.meetings[0]).toMatchObject({
        reason: 'emergency',
        caller: 2,
        votes: { 3: 'skip' },
        ejected: null,
      });
      // No stored deadline of the room fired twice.
      const twice = await db.query(
        `SELECT action_id FROM room_events WHERE room_id = $1 AND action_id LIKE 'deadline:%' GROUP BY action_id HAVING count(*) > 1`,
        [roomId],
      );
      expect(twice.rows).toEqual([]);
      // Play goes on from a new socket on a new process, on the same seat.
      const back = await c.socket(players[1].token);
      const rejoined = await ok(back, 'room:rejoin', { roomId, lastSeq: 0 });
      expect(rejoined.seat).toBe(1);
      expect((rejoined.view.game as CrewView).phase).toBe('tasks');
    } finally {
      await b.close();
      await c.close();
    }
  });

  it('refuses the living outside meetings, opens the room in a meeting, and lets the dead talk among themselves', async () => {
    const players = await Promise.all([0, 1, 2, 3, 4].map((n) => player(`Crew Talker ${n}`)));
    const roomId = await crewRoom(players, 5, { tasksMs: 60_000, meetingMs: 60_000, impostors: 1 });
    const views = await Promise.all(players.map((p) => p.log.until((u) => crewOf(u)?.phase === 'tasks')));
    const impostorAt = views.findIndex((update) => crewOf(update)?.you?.role === 'impostor');
    const impostor = players[impostorAt];
    const crew = players.filter((_, index) => index !== impostorAt);
    const seatOf = (p: Player) => players.indexOf(p);
    const [victim, ejected, living, other] = crew;

    const channelsOf = async (p: Player): Promise<Record<string, string>> => {
      const mine = await arena.http().get('/conversations').set('Authorization', `Bearer ${p.token}`).expect(200);
      return Object.fromEntries(
        (mine.body as Array<{ id: string; roomId: string | null; channel: string | null }>)
          .filter((c) => c.roomId === roomId)
          .map((c) => [c.channel as string, c.id]),
      );
    };
    const send = (p: Player, conversationId: string, body: string) =>
      ask(p.socket, 'chat:send', { conversationId, clientMsgId: aid('m'), body });
    const room = (await until(async () => (await channelsOf(living)).room, 'the room channel')) as string;

    // Tasks phase: nobody living talks.
    expect((await send(living, room, 'anyone?')).error?.code).toBe('CHANNEL_CLOSED');
    expect((await send(impostor, room, 'not me')).error?.code).toBe('CHANNEL_CLOSED');

    // A kill calls a meeting: the living talk in the room, the victim only among the dead.
    await ok(impostor.socket, 'game:action', {
      actionId: aid(),
      roomId,
      action: { type: 'kill', seat: seatOf(victim) },
    });
    await living.log.until((u) => crewOf(u)?.phase === 'meeting');
    expect((await send(living, room, 'who was it?')).ok).toBe(true);
    const dead = (await until(async () => (await channelsOf(victim)).dead, 'the dead channel')) as string;
    expect((await send(victim, room, 'it was...')).error?.code).toBe('CHANNEL_CLOSED');
    expect((await send(victim, dead, 'they got me')).ok).toBe(true);
    expect((await ask(living.socket, 'chat:history', { conversationId: dead })).error?.code).toBe('NOT_A_MEMBER');

    // The meeting ejects a crew seat: it joins the dead, reads them and answers; the living still cannot.
    for (const voter of [impostor, living, other, ejected])
      await ok(voter.socket, 'game:action', {
        actionId: aid(),
        roomId,
        action: voter === ejected ? { type: 'skip' } : { type: 'vote', seat: seatOf(ejected) },
      });
    await living.log.until((u) => crewOf(u)?.phase === 'tasks' && crewOf(u)?.round === 2);
    await until(async () => (await channelsOf(ejected)).dead, 'the ejected seat in the dead channel');
    // A newcomer to a side channel reads what is said from its joining on (see docs/protocol-chat.md).
    expect((await send(ejected, dead, 'me too')).ok).toBe(true);
    expect((await send(victim, dead, 'welcome')).ok).toBe(true);
    const bodies = async (p: Player) =>
      ((await ok(p.socket, 'chat:history', { conversationId: dead })).messages as { body: string }[]).map(
        (m) => m.body,
      );
    expect(await bodies(victim)).toEqual(['they got me', 'me too', 'welcome']);
    expect(await bodies(ejected)).toEqual(['me too', 'welcome']);
    expect((await send(living, room, 'back to work')).error?.code).toBe('CHANNEL_CLOSED');
    expect((await send(ejected, room, 'I was crew!')).error?.code).toBe('CHANNEL_CLOSED');
    expect((await ask(impostor.socket, 'chat:history', { conversationId: dead })).error?.code).toBe('NOT_A_MEMBER');
    await ok(players[0].socket, 'room:reset', { actionId: aid(), roomId });
  });
});
