import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { ask, createTestApp, FAST_ROOMS, nextEvent, type TestApp } from '../support/test-app';
import { aid, ok, UpdateLog } from '../support/rooms';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rooms over Socket.IO', () => {
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

  const player = async (name: string) => {
    const token = await arena.guest(name);
    const socket = await arena.socket(token);
    return { token, socket, log: new UpdateLog(socket) };
  };

  describe('lobby', () => {
    it('lists open rooms by game, updates subscribers live, and quick match takes the fullest open room', async () => {
      const watcher = await player('Lobby Watcher');
      const subscribed = await ok(watcher.socket, 'lobby:subscribe', { gameId: 'mafia' });
      expect(Array.isArray(subscribed.rooms)).toBe(true);
      const a = await player('Lobby A');
      const b = await player('Lobby B');
      const live = nextEvent(watcher.socket, 'lobby:room');
      const small = await ok(a.socket, 'room:create', {
        actionId: aid(),
        gameId: 'mafia',
        name: 'Small',
        seatCount: 5,
      });
      expect(await live).toMatchObject({ roomId: small.roomId, seated: 1, open: true });
      const big = await ok(b.socket, 'room:create', { actionId: aid(), gameId: 'mafia', name: 'Big', seatCount: 5 });
      await ok(b.socket, 'room:add-bots', { actionId: aid(), roomId: big.roomId, count: 2 });

      const listed = await ok(watcher.socket, 'lobby:list', { gameId: 'mafia' });
      expect(listed.rooms.map((room: { roomId: string }) => room.roomId).slice(0, 2)).toEqual([
        big.roomId,
        small.roomId,
      ]);
      const rest = await arena.http().get('/rooms?gameId=mafia').expect(200);
      expect(rest.body.rooms[0].roomId).toBe(big.roomId);

      const c = await player('Lobby C');
      const matched = await ok(c.socket, 'lobby:quick-match', { actionId: aid(), gameId: 'mafia' });
      expect(matched).toMatchObject({ roomId: big.roomId, seat: 3, created: false });
      const fresh = await ok(c.socket, 'lobby:quick-match', { actionId: aid(), gameId: 'roast' });
      expect(fresh.created).toBe(true);
    });
  });

  describe('seats', () => {
    it('refuses NAME_IN_USE, ALREADY_SEATED and ROOM_FULL, and frees a seat on leave', async () => {
      const host = await player('Seat Host');
      const room = await ok(host.socket, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 2 });
      const twin = await player('seat host');
      expect((await ask(twin.socket, 'room:join', { actionId: aid(), roomId: room.roomId })).error.code).toBe(
        'NAME_IN_USE',
      );
      const joined = await ok(twin.socket, 'room:join', { actionId: aid(), roomId: room.roomId, name: 'Twin' });
      expect(joined.seat).toBe(1);
      expect(
        (await ask(twin.socket, 'room:join', { actionId: aid(), roomId: room.roomId, name: 'Again' })).error.code,
      ).toBe('ALREADY_SEATED');
      const third = await player('Third');
      expect((await ask(third.socket, 'room:join', { actionId: aid(), roomId: room.roomId })).error.code).toBe(
        'ROOM_FULL',
      );
      await ok(twin.socket, 'room:leave', { actionId: aid(), roomId: room.roomId });
      expect((await ok(third.socket, 'room:join', { actionId: aid(), roomId: room.roomId })).seat).toBe(1);
      const seats = await db.query('SELECT seat, user_id FROM room_seats WHERE room_id = $1 ORDER BY seat', [
        room.roomId,
      ]);
      expect(seats.rows.map((row) => row.seat)).toEqual([0, 1]);
    });

    it('refuses a second socket naming the host seat with HOST_ONLY, for every host command', async () => {
      const host = await player('Boss');
      const room = await ok(host.socket, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 3 });
      const other = await player('Pretender');
      await ok(other.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      for (const [event, extra] of [
        ['room:start', {}],
        ['room:add-bots', { count: 1 }],
        ['room:kick', { target: 0 }],
        ['room:configure', { settings: { seatCount: 2 } }],
        ['room:reset', {}],
      ] as const) {
        const reply = await ask(other.socket, event, { actionId: aid(), roomId: room.roomId, seat: 0, ...extra });
        expect([event, reply.error?.code]).toEqual([event, 'HOST_ONLY']);
        const plain = await ask(other.socket, event, { actionId: aid(), roomId: room.roomId, ...extra });
        expect([event, plain.error?.code]).toEqual([event, 'HOST_ONLY']);
      }
      expect(
        (await ask(other.socket, 'room:start', { actionId: aid(), roomId: room.roomId, seat: 1 })).error.code,
      ).toBe('HOST_ONLY');
      // The host itself, naming its own seat, may.
      await ok(host.socket, 'room:configure', {
        actionId: aid(),
        roomId: room.roomId,
        seat: 0,
        settings: { options: { rounds: 2 } },
      });
      expect(
        (
          await ask(host.socket, 'room:configure', {
            actionId: aid(),
            roomId: room.roomId,
            settings: { options: { rounds: 99 } },
          })
        ).error.code,
      ).toBe('INVALID_OPTIONS');
      expect((await ask(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId, seat: 1 })).error.code).toBe(
        'HOST_ONLY',
      );
    });

    it('refuses NOT_ENOUGH_PLAYERS, and a kicked player may not come back for a while', async () => {
      const host = await player('Kicker');
      const room = await ok(host.socket, 'room:create', { actionId: aid(), gameId: 'mafia', seatCount: 4 });
      expect((await ask(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId })).error.code).toBe(
        'NOT_ENOUGH_PLAYERS',
      );
      const rowdy = await player('Rowdy');
      await ok(rowdy.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      const kicked = nextEvent(rowdy.socket, 'room:kicked');
      await ok(host.socket, 'room:kick', { actionId: aid(), roomId: room.roomId, target: 1 });
      expect(await kicked).toMatchObject({ roomId: room.roomId, seat: 1 });
      expect((await ask(rowdy.socket, 'room:join', { actionId: aid(), roomId: room.roomId })).error.code).toBe(
        'KICKED',
      );
    });

    it('keeps private rooms to holders of the invite code', async () => {
      const host = await player('Secret Host');
      const room = await ok(host.socket, 'room:create', { actionId: aid(), gameId: 'roast', private: true });
      expect(room.inviteCode).toEqual(expect.any(String));
      const stranger = await player('Stranger');
      expect((await ask(stranger.socket, 'room:watch', { roomId: room.roomId })).error.code).toBe('INVITE_REQUIRED');
      expect((await ask(stranger.socket, 'room:join', { actionId: aid(), roomId: room.roomId })).error.code).toBe(
        'INVITE_REQUIRED',
      );
      expect(
        (await ok(stranger.socket, 'room:watch', { roomId: room.roomId, inviteCode: room.inviteCode })).you.seat,
      ).toBeNull();
      const listed = await ok(stranger.socket, 'lobby:list', { gameId: 'roast' });
      expect(listed.rooms.map((r: { roomId: string }) => r.roomId)).not.toContain(room.roomId);
    });
  });

  describe('roast battle', () => {
    it('2 humans and 2 bots play a battle to the end; texts stay private until voting', async () => {
      const host = await player('Roaster One');
      const guest = await player('Roaster Two');
      const options = { rounds: 2, roundMs: 3000, votingMs: 3000, intermissionMs: 20 };
      const room = await ok(host.socket, 'room:create', { actionId: aid(), gameId: 'roast', seatCount: 4, options });
      await ok(guest.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      await ok(host.socket, 'room:add-bots', { actionId: aid(), roomId: room.roomId, upTo: 4 });
      const humans = [host, guest];
      for (const human of humans) autoplayRoast(human.socket, human.log, room.roomId);
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });

      const done = await host.log.until((u) => u.view.phase === 'finished', 20_000, 'finished battle');
      const game = done.view.game as any;
      expect(game.results).toHaveLength(2);
      expect(game.seats.map((s: { kind: string }) => s.kind)).toEqual(['human', 'human', 'bot', 'bot']);
      expect(game.winners.length).toBeGreaterThan(0);
      expect(done.view.result?.winners).toEqual(game.winners);
      // During a round a seat sees only its own roast.
      for (const update of guest.log.updates) {
        const view = update.view.game as any;
        if (view?.phase === 'round') expect(view.roasts).toEqual([]);
      }
      // Bots roasted and voted, through the same path as players.
      const bots = await db.query(`SELECT count(*) FROM room_events WHERE room_id = $1 AND type = 'bot.turn'`, [
        room.roomId,
      ]);
      expect(Number(bots.rows[0].count)).toBeGreaterThanOrEqual(4);
    });

    it('a reset cancels every pending deadline: nothing of the old battle fires later', async () => {
      const host = await player('Resetter');
      const guest = await player('Reset Guest');
      const room = await ok(host.socket, 'room:create', {
        actionId: aid(),
        gameId: 'roast',
        seatCount: 2,
        options: { roundMs: 150, votingMs: 150, intermissionMs: 150 },
      });
      await ok(guest.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      const pending = await db.query('SELECT next_deadline_id FROM rooms WHERE id = $1', [room.roomId]);
      expect(pending.rows[0].next_deadline_id).toMatch(/^g1:round:1/);
      const reset = await ok(host.socket, 'room:reset', { actionId: aid(), roomId: room.roomId });
      await sleep(600); // four times the round timer: any leftover timer would have fired by now
      const after = await db.query('SELECT phase, next_deadline_id FROM rooms WHERE id = $1', [room.roomId]);
      expect(after.rows[0]).toEqual({ phase: 'lobby', next_deadline_id: null });
      const later = await db.query('SELECT type, action_id FROM room_events WHERE room_id = $1 AND seq > $2', [
        room.roomId,
        reset.seq,
      ]);
      expect(later.rows).toEqual([]);
      // A new battle runs on its own deadlines; the old one's id never fires.
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      await host.log.until(
        (u) => (u.view.game as any)?.phase === 'voting' || (u.view.game as any)?.phase === 'intermission',
        5000,
      );
      const fired = await db.query(
        `SELECT action_id FROM room_events WHERE room_id = $1 AND action_id LIKE 'deadline:%'`,
        [room.roomId],
      );
      expect(fired.rows.length).toBeGreaterThan(0);
      for (const row of fired.rows) expect(row.action_id).toMatch(/^deadline:g2:/);
    });
  });

  describe('mafia', () => {
    it('a bots-only game, started by the host, is finished by autoplay; the watching host never sees a role', async () => {
      const host = await player('Mafia Host');
      const options = { nightMs: 2000, discussionMs: 2000, votingMs: 2000, maxDays: 3 };
      const room = await ok(host.socket, 'room:create', {
        actionId: aid(),
        gameId: 'mafia',
        seatCount: 6,
        botFill: true,
        options,
      });
      await ok(host.socket, 'room:leave', { actionId: aid(), roomId: room.roomId });
      const spectator = await player('Mafia Fan');
      await ok(spectator.socket, 'room:watch', { roomId: room.roomId });
      await ok(host.socket, 'room:watch', { roomId: room.roomId });
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      const done = await spectator.log.until((u) => u.view.phase === 'finished', 20_000, 'finished mafia game');
      const game = done.view.game as any;
      expect(['town', 'mafia']).toContain(game.winner);
      expect(game.seats.every((s: { kind: string }) => s.kind === 'bot')).toBe(true);
      expect(game.roles).not.toBeNull(); // revealed at the end
      for (const update of spectator.log.updates.slice(0, -1)) {
        const view = update.view.game as any;
        if (!view || view.phase === 'finished') continue;
        expect(view.roles).toBeNull();
        expect(view.you).toBeNull();
        expect(view.mafiaChoices).toBeNull();
        expect(view.nights).toBeNull();
        for (const event of update.events) for (const e of event.events) expect(e.type).not.toBe('role_assigned');
      }
      // A spectator's replay is filtered the same way.
      const replay = await ok(spectator.socket, 'room:rejoin', { roomId: room.roomId, lastSeq: 0 });
      const types = replay.events.flatMap((e: { events: { type: string }[] }) => e.events.map((x) => x.type));
      expect(types).toContain('game_started');
      expect(types).not.toContain('role_assigned');
      expect(JSON.stringify(replay.events)).not.toContain('"kill"');
    });

    it('a seat sees its own role, and a mafia seat its fellows', async () => {
      const host = await player('Role Host');
      const room = await ok(host.socket, 'room:create', {
        actionId: aid(),
        gameId: 'mafia',
        seatCount: 4,
        botFill: true,
        options: { nightMs: 60000 },
      });
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      const started = await host.log.until((u) => (u.view.game as any)?.phase === 'night');
      const you = (started.view.game as any).you;
      expect(['mafia', 'town']).toContain(you.role);
      const roleEvents = started.events.flatMap((e) => e.events).filter((e) => e.type === 'role_assigned');
      expect(roleEvents).toHaveLength(1);
      expect(roleEvents[0].payload.role).toBe(you.role);
      await ok(host.socket, 'room:reset', { actionId: aid(), roomId: room.roomId });
    });
  });

  describe('reconnection', () => {
    it('a dropped player gets its seat back and the events it missed', async () => {
      const host = await player('Stayer');
      const leaver = await player('Dropper');
      const room = await ok(host.socket, 'room:create', { actionId: aid(), gameId: 'bench', seatCount: 2 });
      await ok(leaver.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      await ok(leaver.socket, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } });
      const seen = await leaver.log.until((u) => (u.view.game as any)?.counter === 1);
      leaver.socket.disconnect();
      await host.log.until((u) => u.view.seats[1]?.away === true, 5000, 'seat 1 away');
      for (let i = 0; i < 3; i += 1)
        await ok(host.socket, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } });

      const back = await arena.socket(leaver.token);
      const backLog = new UpdateLog(back);
      const rejoined = await ok(back, 'room:rejoin', { roomId: room.roomId, lastSeq: seen.seq });
      expect(rejoined.seat).toBe(1);
      expect(rejoined.events.map((e: { seq: number }) => e.seq)).toEqual(
        Array.from({ length: rejoined.events.length }, (_, i) => seen.seq + 1 + i),
      );
      const bumps = rejoined.events
        .flatMap((e: { events: { type: string }[] }) => e.events)
        .filter((e: { type: string }) => e.type === 'bumped');
      expect(bumps).toHaveLength(3);
      expect(rejoined.events.some((e: { type: string }) => e.type === 'seat.drop')).toBe(true);
      await host.log.until(
        (u) => u.view.seats[1]?.away === false && u.seq > rejoined.view.seq - 1,
        5000,
        'seat 1 back',
      );
      // Play goes on from the new socket, on the same seat.
      const again = await ok(back, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'bump' } });
      expect(again.seat).toBe(1);
      await backLog.until((u) => (u.view.game as any)?.counter === 5);
    });

    it('a seat left empty past the reconnect window is handed to a bot, and the game goes on', async () => {
      const host = await player('Patient Host');
      const gone = await player('Gone For Good');
      const options = { rounds: 1, roundMs: 60000, votingMs: 60000, intermissionMs: 20 };
      const room = await ok(host.socket, 'room:create', {
        actionId: aid(),
        gameId: 'roast',
        seatCount: 2,
        botFill: true,
        reconnectWindowMs: 100,
        options,
      });
      await ok(gone.socket, 'room:join', { actionId: aid(), roomId: room.roomId });
      await ok(host.socket, 'room:start', { actionId: aid(), roomId: room.roomId });
      gone.socket.disconnect();
      await host.log.until((u) => u.view.seats[1]?.control === 'bot', 5000, 'seat 1 handed to a bot');
      await ok(host.socket, 'game:action', {
        actionId: aid(),
        roomId: room.roomId,
        action: { type: 'roast', text: 'You are slower than a dial-up modem' },
      });
      const voting = await host.log.until((u) => (u.view.game as any)?.phase === 'voting', 5000);
      expect((voting.view.game as any).roasts).toHaveLength(2);
      await ok(host.socket, 'game:action', { actionId: aid(), roomId: room.roomId, action: { type: 'vote', seat: 1 } });
      await host.log.until((u) => u.view.phase === 'finished', 5000);
    });
  });
});

/** A human who writes a roast in every round and votes for the first seat it may. */
function autoplayRoast(socket: Socket, log: UpdateLog, roomId: string): void {
  const acted = new Set<string>();
  log.on((update) => {
    const game = update.view.game as any;
    if (!game?.you) return;
    const key = `${game.phase}:${game.round}`;
    if (acted.has(key)) return;
    if (game.phase === 'round' && game.you.roast === null) {
      acted.add(key);
      void ask(socket, 'game:action', {
        actionId: aid('roast'),
        roomId,
        action: { type: 'roast', text: `Round ${game.round}: you call that a haircut?` },
      });
    } else if (game.phase === 'voting' && game.you.votedFor === null && game.you.voteTargets.length > 0) {
      acted.add(key);
      void ask(socket, 'game:action', {
        actionId: aid('vote'),
        roomId,
        action: { type: 'vote', seat: game.you.voteTargets[0] },
      });
    }
  });
  void log;
}
