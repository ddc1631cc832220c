import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import type { VillaAction, VillaRoundPhase, VillaView } from '../../src/protocol';
import { ask, createTestApp, FAST_ROOMS, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

interface Player {
  token: string;
  socket: Socket;
  log: UpdateLog;
}

const MOVE: Record<VillaRoundPhase, VillaAction['type']> = {
  pairing: 'pair',
  challenge: 'challenge',
  twist: 'twist',
  recouple: 'recouple',
  elimination: 'eliminate',
};

const villaOf = (update: { view: { game: unknown } }): VillaView => update.view.game as VillaView;

const until = async <T>(probe: () => Promise<T>, test: (value: T) => boolean, what: string): Promise<T> => {
  for (let i = 0; i < 200; i += 1) {
    const value = await probe();
    if (test(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
};

/** A human who, whenever the villa waits for it, names the first seat it may. */
function autoplay(player: Player, roomId: string): string[] {
  const acks: string[] = [];
  const acted = new Set<string>();
  player.log.on((update) => {
    const game = villaOf(update);
    if (game?.phase === 'finished' || game?.phase === 'lobby' || !game?.you?.mustAct) return;
    const key = `${game.round}:${game.phase}`;
    if (acted.has(key)) return;
    acted.add(key);
    void ask(player.socket, 'game:action', {
      actionId: aid('villa'),
      roomId,
      action: { type: MOVE[game.phase], seat: game.you.targets[0] },
    }).then((reply) => acks.push(reply.ok ? 'ok' : reply.error.code));
  });
  return acks;
}

// Whole games over sockets, up to three app instances at once: more than the default 30 s on a loaded machine.
jest.setTimeout(90_000);

describe('Villa over Socket.IO', () => {
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

  const player = async (name: string, app: TestApp = arena): Promise<Player> => {
    const token = await app.guest(name);
    const socket = await app.socket(token);
    return { token, socket, log: new UpdateLog(socket) };
  };

  /** A room's channels as the chat lists them for one player: channel name -> conversation id. */
  const channelsOf = async (who: Player, roomId: string): Promise<Record<string, string>> => {
    const mine = await arena.http().get('/conversations').set('Authorization', `Bearer ${who.token}`).expect(200);
    return Object.fromEntries(
      (mine.body as Array<{ id: string; roomId: string | null; channel: string | null }>)
        .filter((c) => c.roomId === roomId)
        .map((c) => [c.channel as string, c.id]),
    );
  };

  it('one human and four bots play to the end; a spectator never learns who acted', async () => {
    const host = await player('Villa Host');
    // A minute a phase: the bots act at once, so each phase ends when the human acts, never at a deadline.
    const timers = {
      pairingMs: 60_000,
      challengeMs: 60_000,
      twistMs: 60_000,
      recoupleMs: 60_000,
      eliminationMs: 60_000,
    };
    const room = await ok(host.socket, 'room:create', {
      actionId: aid(),
      gameId: 'villa',
      seatCount: 5,
      botFill: true,
      options: timers,
    });
    const acks = autoplay(host, room.roomId);
    const fan = await player('Villa Fan');
    await ok(fan.socket, 'room:watch', { roomId: room.roomId });
    await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    const done = await host.log.until((u) => u.view.phase === 'finished', 50_000, 'a finished villa');
    const game = villaOf(done);
    expect(game.phase).toBe('finished');
    expect(['final_couple', 'viewers_favourite']).toContain(game.finishReason);
    expect(done.view.result?.winners).toEqual(game.winners);
    expect(game.winners.length).toBeGreaterThan(0);
    // Three rounds of five phases, one choice each: the human acted in every phase it was in, all accepted.
    const rounds = game.eliminated.find((out) => out.seat === 0)?.round ?? 3;
    await until(
      async () => acks.length,
      (count) => count >= 5 * rounds,
      'an ack for every phase',
    );
    expect(acks).toHaveLength(5 * rounds);
    expect(acks.every((ack) => ack === 'ok')).toBe(true);

    const replay = await ok(fan.socket, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
    const moves = replay.events.filter((e: { type: string }) => e.type === 'game.act');
    expect(moves.length).toBeGreaterThan(10);
    for (const move of moves) {
      expect(move.actorSeat).toBeNull();
      expect(move.action).toBeUndefined();
    }
    expect(replay.events.some((e: { type: string }) => e.type === 'bot.turn')).toBe(false);
    const choicesMade = replay.events.flatMap((e: { events: { type: string; payload: object }[] }) =>
      e.events.filter((x) => x.type === 'choice_made'),
    );
    for (const made of choicesMade) expect(Object.keys(made.payload).sort()).toEqual(['phase', 'round', 'seat']);
  });

  it('a room of bots only plays to a valid finish by autoplay; the watching host sees no choice before it resolves', async () => {
    const host = await player('Villa Producer');
    const timers = {
      pairingMs: 60_000,
      challengeMs: 60_000,
      twistMs: 60_000,
      recoupleMs: 60_000,
      eliminationMs: 60_000,
    };
    const room = await ok(host.socket, 'room:create', {
      actionId: aid(),
      gameId: 'villa',
      seatCount: 6,
      botFill: true,
      options: timers,
    });
    await ok(host.socket, 'room:leave', { actionId: aid(), roomId: room.roomId });
    await ok(host.socket, 'room:watch', { roomId: room.roomId });
    await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    const done = await host.log.until((u) => u.view.phase === 'finished', 50_000, 'a finished villa of bots');
    const game = villaOf(done);
    expect(game.seats.every((seat) => seat.kind === 'bot')).toBe(true);
    expect(game.eliminated).toHaveLength(3);
    expect(game.round).toBe(3);
    expect(done.view.result?.winners).toEqual(game.winners);
    for (const update of host.log.updates) {
      const view = update.view.game as VillaView | null;
      if (view === null) continue;
      expect(view.you).toBeNull();
      for (const event of update.events) {
        if (event.type === 'game.act') expect(event.actorSeat).toBeNull();
        expect(event.type).not.toBe('bot.turn');
        for (const e of event.events)
          if (e.type === 'choice_made') expect(Object.keys(e.payload).sort()).toEqual(['phase', 'round', 'seat']);
      }
    }
    // Every phase ended early, by the bots, long before a deadline.
    const timeouts = await db.query("SELECT count(*) FROM room_events WHERE room_id = $1 AND type = 'game.timeout'", [
      room.roomId,
    ]);
    expect(Number(timeouts.rows[0].count)).toBe(0);
  });

  it("a dropped human's seat is held for the reconnect window, then a bot plays it to the end", async () => {
    const host = await player('Villa Dropper');
    const slow = { pairingMs: 60_000, challengeMs: 60_000, twistMs: 60_000, recoupleMs: 60_000, eliminationMs: 60_000 };
    const room = await ok(host.socket, 'room:create', {
      actionId: aid(),
      gameId: 'villa',
      seatCount: 4,
      botFill: true,
      reconnectWindowMs: 300,
      options: slow,
    });
    const fan = await player('Villa Watcher');
    await ok(fan.socket, 'room:watch', { roomId: room.roomId });
    await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    await host.log.until((u) => villaOf(u)?.phase === 'pairing');
    host.socket.disconnect();
    const away = await fan.log.until((u) => u.view.seats[0]?.away === true, 5000, 'seat 0 away');
    // Held: nobody plays it during the window, so the pairing still waits for it.
    expect(away.view.seats[0].control).toBe('player');
    expect(villaOf(away).phase).toBe('pairing');
    await fan.log.until((u) => u.view.seats[0]?.control === 'bot', 5000, 'seat 0 handed to a bot');
    // Every phase has a minute on the clock: only the bots, seat 0's included, can finish this game.
    const done = await fan.log.until((u) => u.view.phase === 'finished', 20_000, 'the villa finished by bots');
    expect(villaOf(done).winners.length).toBeGreaterThan(0);
    expect(villaOf(done).round).toBeLessThanOrEqual(3);
  });

  it('a restart mid-phase on the same database fires each pending deadline exactly once', async () => {
    const a = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    const hostToken = await a.guest('Villa Restart Host');
    const host = await a.socket(hostToken);
    const hostLog = new UpdateLog(host);
    const timers = { pairingMs: 2500, challengeMs: 300, twistMs: 300, recoupleMs: 300, eliminationMs: 300 };
    const room = await ok(host, 'room:create', {
      actionId: aid(),
      gameId: 'villa',
      seatCount: 4,
      botFill: true,
      options: timers,
    });
    await ok(host, 'room:start', { actionId: aid(), roomId: room.roomId });
    // The bots choose at once; the pairing waits for the host, who does not act.
    await hostLog.until((u) => villaOf(u)?.seats.filter((s) => s.acted).length === 3);
    const { rows } = await db.query('SELECT next_deadline_id FROM rooms WHERE id = $1', [room.roomId]);
    const deadlineId = rows[0].next_deadline_id as string;
    expect(deadlineId).toMatch(/^g1:pairing:1:/);
    await a.close();
    const timeouts = async () =>
      (
        await db.query(
          `SELECT action_id, payload->'command'->>'deadlineId' AS deadline FROM room_events
           WHERE room_id = $1 AND type = 'game.timeout' ORDER BY seq`,
          [room.roomId],
        )
      ).rows as Array<{ action_id: string; deadline: string }>;
    expect(await timeouts()).toEqual([]);

    // Two new processes on the same database race for every deadline from here to the end.
    const b = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    const c = await createTestApp(FAST_ROOMS, arena.databaseUrl);
    try {
      const snapshot = async () =>
        (await db.query('SELECT state FROM rooms WHERE id = $1', [room.roomId])).rows[0].state;
      const final = await until(snapshot, (state) => state.phase === 'finished', 'the villa to finish');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const fired = await timeouts();
      expect(fired.filter((row) => row.action_id === `deadline:${deadlineId}`)).toHaveLength(1);
      expect(fired[0].deadline).toBe(deadlineId.replace(/^g1:/, ''));
      // The host never acts again: each later phase ends by its deadline, and each deadline fired once.
      const ids = fired.map((row) => row.deadline);
      expect(new Set(ids).size).toBe(ids.length);
      expect(fired.every((row) => row.action_id === `deadline:g1:${row.deadline}`)).toBe(true);
      expect(final.game.winners.length).toBeGreaterThan(0);
      const back = await c.socket(hostToken);
      const rejoined = await ok(back, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
      expect(rejoined.seat).toBe(0);
      expect(villaOf(rejoined).phase).toBe('finished');
    } finally {
      await b.close();
      await c.close();
    }
  });

  it("a couple's channel admits the couple, refuses everyone else, and closes when the couple breaks", async () => {
    const players = [
      await player('Villa Ann'),
      await player('Villa Ben'),
      await player('Villa Cat'),
      await player('Villa Dan'),
    ];
    const [ann, ben, cat, dan] = players;
    const slow = { pairingMs: 60_000, challengeMs: 60_000, twistMs: 60_000, recoupleMs: 60_000, eliminationMs: 60_000 };
    const room = await ok(ann.socket, 'room:create', { actionId: aid(), gameId: 'villa', seatCount: 4, options: slow });
    for (const other of [ben, cat, dan]) await ok(other.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
    const fan = await player('Villa Spy');
    await ok(fan.socket, 'room:watch', { roomId: room.roomId });
    await ok(ann.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
    const seatOf = new Map<Player, number>();
    for (const p of players) {
      const started = await p.log.until((u) => villaOf(u)?.phase === 'pairing');
      seatOf.set(p, started.view.you.seat as number);
    }
    expect(players.map((p) => seatOf.get(p))).toEqual([0, 1, 2, 3]);
    const everyone = async (phase: VillaRoundPhase, choices: number[]) => {
      await Promise.all(
        players.map((p, seat) =>
          ok(p.socket, 'game:action', {
            actionId: aid(),
            roomId: room.roomId,
            action: { type: MOVE[phase], seat: choices[seat] },
          }),
        ),
      );
    };

    await everyone('pairing', [1, 0, 3, 2]);
    await ann.log.until((u) => villaOf(u)?.phase === 'challenge');
    const annChannels = await until(
      () => channelsOf(ann, room.roomId),
      (c) => Boolean(c['couple-0-1']),
      "Ann and Ben's channel",
    );
    const catChannels = await channelsOf(cat, room.roomId);
    expect(Object.keys(catChannels).sort()).toEqual(['couple-2-3', 'room']);
    const coupleId = annChannels['couple-0-1'];

    const whisper = await ask(ann.socket, 'chat:send', {
      conversationId: coupleId,
      clientMsgId: aid('m'),
      body: 'us two?',
    });
    expect(whisper.ok).toBe(true);
    const heard = await ask(ben.socket, 'chat:history', { conversationId: coupleId });
    expect(heard.ok).toBe(true);
    expect(heard.data.messages.map((m: { body: string }) => m.body)).toEqual(['us two?']);
    for (const outsider of [cat, dan, fan]) {
      const sent = await ask(outsider.socket, 'chat:send', {
        conversationId: coupleId,
        clientMsgId: aid('m'),
        body: 'hi',
      });
      expect(sent.error?.code).toBe('NOT_A_MEMBER');
      const peek = await ask(outsider.socket, 'chat:history', { conversationId: coupleId });
      expect(peek.error?.code).toBe('NOT_A_MEMBER');
    }
    // The room channel stays open to every seat.
    const inRoom = await ask(cat.socket, 'chat:send', {
      conversationId: catChannels.room,
      clientMsgId: aid('m'),
      body: 'hello villa',
    });
    expect(inRoom.ok).toBe(true);

    await everyone('challenge', [1, 0, 0, 0]);
    await ann.log.until((u) => villaOf(u)?.phase === 'twist');
    await everyone('twist', [1, 2, 1, 1]);
    await ann.log.until((u) => villaOf(u)?.phase === 'recouple');
    // The recouple splits both couples: Ann with Cat, Ben with Dan.
    await everyone('recouple', [2, 3, 0, 1]);
    const split = await ann.log.until((u) => villaOf(u)?.phase === 'elimination');
    expect(villaOf(split).couples).toEqual([
      [0, 2],
      [1, 3],
    ]);
    const after = await until(
      () => channelsOf(ann, room.roomId),
      (c) => Boolean(c['couple-0-2']) && !c['couple-0-1'],
      "Ann and Ben's channel to close",
    );
    expect(Object.keys(after).sort()).toEqual(['couple-0-2', 'room']);
    for (const former of [ann, ben]) {
      const sent = await ask(former.socket, 'chat:send', {
        conversationId: coupleId,
        clientMsgId: aid('m'),
        body: 'still?',
      });
      expect(sent.ok).toBe(false);
      expect(sent.error.code).toBe('NOT_A_MEMBER');
    }
    const fresh = await ask(cat.socket, 'chat:send', {
      conversationId: after['couple-0-2'],
      clientMsgId: aid('m'),
      body: 'new couple',
    });
    expect(fresh.ok).toBe(true);
    await ok(ann.socket, 'room:reset', { actionId: aid(), roomId: room.roomId });
  });
});
