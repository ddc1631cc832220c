import {
  isRejection,
  type Actor,
  type GameAction,
  type GameEngine,
  type GameEvent,
  type Transition,
} from '../../../src/games/domain/engine';
import { playMove } from '../../../src/games/domain/moves';
import { seededRandom } from '../../../src/games/domain/random';
import { mafiaEngine, parseMafiaOptions } from '../../../src/games/domain/mafia/mafia.engine';
import { mafiaCount } from '../../../src/games/domain/mafia/mafia.rules';
import type { MafiaOptions, MafiaState, MafiaView } from '../../../src/games/domain/mafia/mafia.types';
import { mafiaChannels, mafiaChatChannels } from '../../../src/games/domain/mafia/mafia.view';
import { roomDeadlines, roomView } from '../../../src/games/domain/room/room.rules';
import { canSee, contextAt, fireDeadline, gameRoom, mustApply, seatsOf } from '../../support/engine-harness';

const T0 = 1_000_000;
const anyMafia = mafiaEngine as unknown as GameEngine<unknown, object>;
const fast: MafiaOptions = { ...mafiaEngine.defaultOptions, nightMs: 70, discussionMs: 50, votingMs: 70 };

/** A game under test, advanced by hand. Seed 2 with 4 seats makes seat 1 the mafia; seed 3 with 8 seats, seats 4 and 7. */
function game(seatCount: number, seed: number, options: MafiaOptions = fast) {
  const random = seededRandom(seed);
  const started = mafiaEngine.start(seatsOf(seatCount), options, contextAt(random, T0));
  let state = started.state;
  const log: GameEvent[] = [...started.events];
  return {
    random,
    started,
    log,
    get state(): MafiaState {
      return state;
    },
    act(action: GameAction, actor: Actor): Transition<MafiaState> {
      const done = mustApply(mafiaEngine, state, action, actor, contextAt(random, T0));
      state = done.state;
      log.push(...done.events);
      return done;
    },
    attempt(action: GameAction, actor: Actor) {
      return playMove(mafiaEngine, state, action, actor, contextAt(random, T0));
    },
    timeout(): Transition<MafiaState> {
      const done = fireDeadline(mafiaEngine, state, random);
      state = done.state;
      log.push(...done.events);
      return done;
    },
    kill(choices: Record<number, number>): void {
      for (const [killer, target] of Object.entries(choices)) this.act({ type: 'kill', seat: target }, Number(killer));
    },
    readyAll(): void {
      for (const seat of [...state.alive]) this.act({ type: 'ready' }, seat);
    },
    vote(votes: Record<number, number>): void {
      for (const [voter, target] of Object.entries(votes)) this.act({ type: 'vote', seat: target }, Number(voter));
    },
  };
}

const codeOf = (outcome: unknown): string | undefined => (isRejection(outcome) ? outcome.code : undefined);
const viewOf = (state: MafiaState, viewer: number | 'spectator') => mafiaEngine.view(state, viewer) as MafiaView;
/** Whether serialized text names a seat's role as mafia (the game's own name aside). */
const revealsMafia = (value: unknown): boolean =>
  JSON.stringify(value).replace('"game":"mafia"', '').includes(':"mafia"');
const mafiaSeats = (state: MafiaState) =>
  Object.keys(state.roles)
    .map(Number)
    .filter((seat) => state.roles[seat] === 'mafia');

describe('mafia: complete games with fixed seeds', () => {
  it('deals max(1, floor(seats / 4)) mafia from the seeded source', () => {
    for (let seats = 4; seats <= 12; seats += 1) {
      const state = game(seats, seats).state;
      expect(mafiaSeats(state)).toHaveLength(mafiaCount(seats));
    }
    expect([4, 7, 8, 11, 12].map(mafiaCount)).toEqual([1, 1, 2, 2, 3]);
    expect(mafiaSeats(game(4, 2).state)).toEqual([1]);
    expect(mafiaSeats(game(8, 3).state)).toEqual([4, 7]);
  });

  it('town wins by executing the only mafia seat', () => {
    const g = game(4, 2);
    expect(g.state).toMatchObject({ phase: 'night', day: 1, alive: [0, 1, 2, 3] });
    g.kill({ 1: 0 });
    expect(g.state.phase).toBe('discussion');
    expect(g.state.deaths).toEqual([{ day: 1, seat: 0, cause: 'killed' }]);
    g.readyAll();
    expect(g.state.phase).toBe('voting');
    g.vote({ 1: 2, 2: 1, 3: 1 });
    expect(g.state).toMatchObject({
      phase: 'finished',
      winner: 'town',
      finishReason: 'mafia_eliminated',
      alive: [2, 3],
      deadline: null,
    });
    expect(mafiaEngine.result(g.state)).toEqual({
      winners: [0, 2, 3],
      scores: { 0: 1, 1: 0, 2: 1, 3: 1 },
      summary: 'Town won (mafia_eliminated) on day 1',
    });
    expect(g.log.map((event) => event.type)).toEqual([
      'roles_dealt',
      'role_assigned',
      'role_assigned',
      'role_assigned',
      'role_assigned',
      'night_started',
      'kill_chosen',
      'night_ended',
      'discussion_started',
      'seat_ready',
      'seat_ready',
      'seat_ready',
      'voting_started',
      'vote_cast',
      'vote_cast',
      'vote_cast',
      'voting_resolved',
      'game_finished',
    ]);
  });

  it('mafia wins when living mafia reach living town', () => {
    const g = game(4, 2);
    g.kill({ 1: 3 });
    g.timeout();
    expect(g.state.phase).toBe('voting');
    g.vote({ 0: 2, 1: 2, 2: 1 });
    expect(g.state).toMatchObject({ phase: 'finished', winner: 'mafia', finishReason: 'mafia_parity', alive: [0, 1] });
    expect(mafiaEngine.result(g.state)?.winners).toEqual([1]);
  });

  it('plays an 8-seat game over three days, with every tie going to the lowest seat', () => {
    const g = game(8, 3);
    // Night 1: the two mafia split their choice; the lower seat dies.
    g.kill({ 4: 5, 7: 2 });
    expect(g.state.deaths).toEqual([{ day: 1, seat: 2, cause: 'killed' }]);
    g.timeout();
    // Day 1: a three-way tie at the voting deadline; seat 6 never votes.
    g.vote({ 0: 4, 1: 4, 3: 7, 5: 7, 4: 0, 7: 0 });
    expect(g.state.phase).toBe('voting');
    g.timeout();
    expect(g.state.votings[0]).toEqual({ day: 1, votes: { 0: 4, 1: 4, 3: 7, 5: 7, 4: 0, 7: 0 }, executed: 0 });
    // Night 2: only one mafia seat chooses before the deadline.
    expect(g.state).toMatchObject({ phase: 'night', day: 2 });
    g.kill({ 4: 1 });
    expect(g.state.phase).toBe('night');
    g.timeout();
    expect(g.state.alive).toEqual([3, 4, 5, 6, 7]);
    g.readyAll();
    g.vote({ 3: 4, 5: 4, 6: 4, 4: 3, 7: 3 });
    expect(g.state.alive).toEqual([3, 5, 6, 7]);
    // Night 3: nobody chooses, nobody dies.
    g.timeout();
    expect(g.state).toMatchObject({ phase: 'discussion', day: 3, alive: [3, 5, 6, 7] });
    g.timeout();
    g.vote({ 3: 7, 5: 7, 6: 7, 7: 3 });
    expect(g.state).toMatchObject({ phase: 'finished', winner: 'town', finishReason: 'mafia_eliminated', day: 3 });
    expect(g.state.deaths).toEqual([
      { day: 1, seat: 2, cause: 'killed' },
      { day: 1, seat: 0, cause: 'executed' },
      { day: 2, seat: 1, cause: 'killed' },
      { day: 2, seat: 4, cause: 'executed' },
      { day: 3, seat: 7, cause: 'executed' },
    ]);
    expect(g.state.nights).toEqual([
      { day: 1, choices: { 4: 5, 7: 2 }, victim: 2 },
      { day: 2, choices: { 4: 1 }, victim: 1 },
      { day: 3, choices: {}, victim: null },
    ]);
  });

  it('town wins when maxDays pass without a decision', () => {
    const g = game(8, 3, { ...fast, maxDays: 1 });
    g.timeout();
    g.timeout();
    expect(g.state.phase).toBe('voting');
    const last = g.timeout();
    expect(g.state).toMatchObject({
      phase: 'finished',
      winner: 'town',
      finishReason: 'days_exhausted',
      alive: [0, 1, 2, 3, 4, 5, 6, 7],
    });
    expect(last.events.map((event) => event.type)).toEqual(['voting_resolved', 'game_finished']);
    expect(last.events[0].payload).toMatchObject({ executed: null, votes: {} });
  });
});

describe('mafia: rejections carry their code', () => {
  it('GAME_NOT_ACTIVE after the end and in the lobby after a reset', () => {
    const g = game(4, 2);
    g.kill({ 1: 0 });
    g.readyAll();
    g.vote({ 1: 2, 2: 1, 3: 1 });
    expect(codeOf(g.attempt({ type: 'vote', seat: 3 }, 2))).toBe('GAME_NOT_ACTIVE');
    // A reset is the room's: the game's state goes with it.
    const room = gameRoom(anyMafia, 4, fast, 2);
    room.run({ type: 'game.reset' }, 'user-0');
    expect(codeOf(room.run({ type: 'game.act', action: { type: 'ready' } }, 'user-2'))).toBe('GAME_NOT_ACTIVE');
  });

  it('NOT_YOUR_TURN for a seat outside the game', () => {
    expect(codeOf(game(4, 2).attempt({ type: 'kill', seat: 0 }, 12))).toBe('NOT_YOUR_TURN');
  });

  it('DEAD_SEAT for every action of a dead seat', () => {
    const g = game(8, 3);
    g.kill({ 4: 5, 7: 2 });
    expect(codeOf(g.attempt({ type: 'ready' }, 2))).toBe('DEAD_SEAT');
    g.readyAll();
    expect(codeOf(g.attempt({ type: 'vote', seat: 4 }, 2))).toBe('DEAD_SEAT');
    g.vote({ 0: 4, 1: 4, 3: 4, 5: 4, 6: 4, 7: 0, 4: 0 });
    expect(g.state.phase).toBe('night');
    expect(codeOf(g.attempt({ type: 'kill', seat: 0 }, 4))).toBe('DEAD_SEAT');
  });

  it('WRONG_PHASE for an action outside its phase', () => {
    const g = game(4, 2);
    expect(codeOf(g.attempt({ type: 'vote', seat: 2 }, 0))).toBe('WRONG_PHASE');
    expect(codeOf(g.attempt({ type: 'ready' }, 0))).toBe('WRONG_PHASE');
    g.kill({ 1: 0 });
    expect(codeOf(g.attempt({ type: 'kill', seat: 2 }, 1))).toBe('WRONG_PHASE');
    expect(codeOf(g.attempt({ type: 'vote', seat: 2 }, 1))).toBe('WRONG_PHASE');
  });

  it('ROLE_FORBIDDEN for a town seat acting at night, whatever the target', () => {
    const g = game(4, 2);
    expect(codeOf(g.attempt({ type: 'kill', seat: 1 }, 0))).toBe('ROLE_FORBIDDEN');
    expect(codeOf(g.attempt({ type: 'kill', seat: 2 }, 0))).toBe('ROLE_FORBIDDEN');
    expect(codeOf(g.attempt({ type: 'kill', seat: 0 }, 0))).toBe('ROLE_FORBIDDEN');
  });

  it('INVALID_TARGET for a kill on a mafia seat or the dead, and a vote for the dead', () => {
    const g = game(8, 3);
    expect(codeOf(g.attempt({ type: 'kill', seat: 7 }, 4))).toBe('INVALID_TARGET');
    expect(codeOf(g.attempt({ type: 'kill', seat: 8 }, 4))).toBe('INVALID_TARGET');
    g.kill({ 4: 2, 7: 2 });
    g.readyAll();
    expect(codeOf(g.attempt({ type: 'vote', seat: 2 }, 0))).toBe('INVALID_TARGET');
    expect(codeOf(g.attempt({ type: 'vote', seat: 9 }, 0))).toBe('INVALID_TARGET');
    g.timeout();
    expect(g.state.phase).toBe('night');
    expect(codeOf(g.attempt({ type: 'kill', seat: 2 }, 7))).toBe('INVALID_TARGET');
  });

  it('SELF_TARGET for a kill or a vote on yourself', () => {
    const g = game(4, 2);
    expect(codeOf(g.attempt({ type: 'kill', seat: 1 }, 1))).toBe('SELF_TARGET');
    g.kill({ 1: 0 });
    g.readyAll();
    expect(codeOf(g.attempt({ type: 'vote', seat: 3 }, 3))).toBe('SELF_TARGET');
  });

  it('ALREADY_ACTED for a second choice, ready or vote', () => {
    const g = game(8, 3);
    g.kill({ 4: 0 });
    expect(codeOf(g.attempt({ type: 'kill', seat: 1 }, 4))).toBe('ALREADY_ACTED');
    g.kill({ 7: 0 });
    g.act({ type: 'ready' }, 1);
    expect(codeOf(g.attempt({ type: 'ready' }, 1))).toBe('ALREADY_ACTED');
    g.timeout();
    g.vote({ 1: 3 });
    expect(codeOf(g.attempt({ type: 'vote', seat: 5 }, 1))).toBe('ALREADY_ACTED');
  });

  it('INVALID_ACTION for unknown or malformed actions, system seat actions and seat timeouts', () => {
    const g = game(4, 2);
    expect(codeOf(g.attempt({ type: 'poison', seat: 0 }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'kill' }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'kill', seat: '0' }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'kill', seat: 0 }, 'system'))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: g.state.deadline?.id }, 1))).toBe('INVALID_ACTION');
  });

  it('HOST_ONLY for a reset by a seat, and STALE_DEADLINE for an old or unknown deadline', () => {
    const g = game(4, 2);
    expect(codeOf(gameRoom(anyMafia, 4, fast, 2).run({ type: 'game.reset' }, 'user-1'))).toBe('HOST_ONLY');
    const night = g.state.deadline!;
    g.kill({ 1: 0 });
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: night.id }, 'system'))).toBe('STALE_DEADLINE');
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: 'night:1:1' }, 'system'))).toBe('STALE_DEADLINE');
  });

  it('INVALID_OPTIONS for unknown keys and out-of-range values', () => {
    expect(parseMafiaOptions(undefined)).toEqual({ nightMs: 7_000, discussionMs: 5_000, votingMs: 7_000, maxDays: 3 });
    expect(parseMafiaOptions({ maxDays: 5, nightMs: 100 })).toMatchObject({
      maxDays: 5,
      nightMs: 100,
      votingMs: 7_000,
    });
    expect(codeOf(parseMafiaOptions({ maxDays: 0 }))).toBe('INVALID_OPTIONS');
    expect(codeOf(parseMafiaOptions({ nightMs: -1 }))).toBe('INVALID_OPTIONS');
    expect(codeOf(parseMafiaOptions({ doctor: true } as unknown as Partial<MafiaOptions>))).toBe('INVALID_OPTIONS');
  });
});

describe('mafia: phases and deadlines', () => {
  it('uses the timer options for each phase and a fresh deadline id each time', () => {
    const g = game(4, 2);
    const ids = [g.state.deadline!.id];
    expect(g.state.deadline!.at).toBe(T0 + fast.nightMs);
    g.timeout();
    expect(g.state.deadline!.at).toBe(T0 + fast.nightMs + fast.discussionMs);
    ids.push(g.state.deadline!.id);
    g.timeout();
    expect(g.state.deadline!.at).toBe(T0 + fast.nightMs + fast.discussionMs + fast.votingMs);
    ids.push(g.state.deadline!.id);
    g.timeout();
    ids.push(g.state.deadline!.id);
    expect(new Set(ids).size).toBe(4);
    expect(g.state).toMatchObject({ phase: 'night', day: 2, deaths: [] });
  });

  it('waits for exactly the seats that must act', () => {
    const g = game(8, 3);
    expect(mafiaEngine.pendingSeats(g.state)).toEqual([4, 7]);
    g.kill({ 4: 0 });
    expect(mafiaEngine.pendingSeats(g.state)).toEqual([7]);
    g.kill({ 7: 1 });
    expect(mafiaEngine.pendingSeats(g.state)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    g.act({ type: 'ready' }, 3);
    expect(mafiaEngine.pendingSeats(g.state)).toEqual([1, 2, 4, 5, 6, 7]);
  });

  it('reset returns to the lobby with no deadline and no roles', () => {
    const room = gameRoom(anyMafia, 4, fast, 2);
    const pending = mafiaEngine.deadline(room.state.game as MafiaState)!;
    room.run({ type: 'game.reset' }, 'user-0');
    expect(room.state).toMatchObject({ phase: 'lobby', game: null });
    expect(roomDeadlines(room.state, room.engines)).toEqual([]);
    expect(roomView(room.state, anyMafia, 0)).toMatchObject({ game: null, result: null });
    expect(codeOf(room.run({ type: 'game.timeout', deadlineId: pending.id }, null))).toBe('STALE_DEADLINE');
  });
});

describe('mafia: what each viewer sees', () => {
  it('tells each seat its own role and each mafia seat its fellows, through views and events alike', () => {
    const g = game(8, 3);
    expect(viewOf(g.state, 4).you).toMatchObject({ role: 'mafia', mafia: [4, 7] });
    expect(viewOf(g.state, 0).you).toMatchObject({ role: 'town', mafia: [] });
    expect(viewOf(g.state, 'spectator')).toMatchObject({ you: null, roles: null, mafiaCount: 2 });
    const roleEvents = g.started.events.filter((event) => event.type === 'role_assigned');
    expect(roleEvents[0]).toEqual({
      type: 'role_assigned',
      payload: { role: 'mafia', mafia: [4, 7] },
      audience: [4, 7],
    });
    for (const event of roleEvents.slice(1)) expect(event.payload).toEqual({ role: 'town' });
    expect(roleEvents.slice(1).map((event) => event.audience)).toEqual([[0], [1], [2], [3], [5], [6]]);
  });

  it('shows night choices only to living mafia, and all roles and choices at the end', () => {
    const g = game(8, 3);
    const chosen = g.act({ type: 'kill', seat: 3 }, 7);
    expect(chosen.events).toEqual([{ type: 'kill_chosen', payload: { day: 1, seat: 7, target: 3 }, audience: [4, 7] }]);
    expect(viewOf(g.state, 4).mafiaChoices).toEqual({ 7: 3 });
    expect(viewOf(g.state, 7).you?.killChoice).toBe(3);
    for (const viewer of [0, 3, 'spectator'] as const) {
      const view = viewOf(g.state, viewer);
      expect(view.mafiaChoices).toBeNull();
      expect(view.roles).toBeNull();
      expect(view.nights).toBeNull();
      expect(revealsMafia(view)).toBe(false);
    }
    g.kill({ 4: 3 });
    g.readyAll();
    g.vote({ 0: 4, 1: 4, 2: 4, 5: 4, 6: 4 });
    g.timeout();
    // Seat 4 is dead: it no longer sees its fellow's night choice.
    g.kill({ 7: 0 });
    expect(viewOf(g.state, 4).mafiaChoices).toBeNull();
    g.readyAll();
    g.vote({ 1: 7, 2: 7, 5: 7, 6: 7, 7: 1 });
    expect(g.state.winner).toBe('town');
    const end = viewOf(g.state, 'spectator');
    expect(end.roles).toEqual({
      0: 'town',
      1: 'town',
      2: 'town',
      3: 'town',
      4: 'mafia',
      5: 'town',
      6: 'town',
      7: 'mafia',
    });
    expect(end.nights).toEqual([
      { day: 1, choices: { 7: 3, 4: 3 }, victim: 3 },
      { day: 2, choices: { 7: 0 }, victim: 0 },
    ]);
    expect(g.log.at(-1)?.payload.roles).toEqual(end.roles);
  });

  it('shows that a seat voted but not whom for, until the voting resolves', () => {
    const g = game(4, 2);
    g.kill({ 1: 0 });
    g.readyAll();
    const cast = g.act({ type: 'vote', seat: 1 }, 2);
    expect(cast.events).toEqual([{ type: 'vote_cast', payload: { day: 1, seat: 2 }, audience: 'all' }]);
    expect(viewOf(g.state, 2).you?.vote).toBe(1);
    const other = viewOf(g.state, 3);
    expect(other.you?.vote).toBeNull();
    expect(other.seats.find((seat) => seat.seat === 2)?.voted).toBe(true);
    expect(other.lastVoting).toBeNull();
  });

  it('keeps every pre-end event with a role or a night choice away from seats that may not know it', () => {
    const g = game(8, 3);
    g.kill({ 4: 5, 7: 5 });
    g.readyAll();
    g.timeout();
    for (const event of g.log) {
      for (const viewer of [0, 1, 2, 3, 5, 6, 'spectator'] as const) {
        if (canSee(event, viewer)) {
          expect(JSON.stringify(event.payload)).not.toMatch(/"mafia"|"target"|"choices"/);
        }
      }
    }
  });
});

describe('mafia: chat channels', () => {
  const channels = (state: MafiaState, viewer: number | 'spectator') =>
    Object.fromEntries(
      mafiaChatChannels(state, viewer).map((access) => [access.channel, [access.canRead, access.canWrite]]),
    );

  it('opens only the mafia channel at night, to living mafia', () => {
    const g = game(8, 3);
    expect(channels(g.state, 4)).toEqual({ room: [true, false], mafia: [true, true], dead: [false, false] });
    expect(channels(g.state, 0)).toEqual({ room: [true, false], mafia: [false, false], dead: [false, false] });
    expect(channels(g.state, 'spectator')).toEqual({
      room: [true, false],
      mafia: [false, false],
      dead: [false, false],
    });
  });

  it('opens the room to the living by day and lets the dead talk only among the dead', () => {
    const g = game(8, 3);
    g.kill({ 4: 0, 7: 0 });
    expect(channels(g.state, 1)).toEqual({ room: [true, true], mafia: [false, false], dead: [false, false] });
    expect(channels(g.state, 4)).toEqual({ room: [true, true], mafia: [true, false], dead: [false, false] });
    expect(channels(g.state, 0)).toEqual({ room: [true, false], mafia: [false, false], dead: [true, true] });
    g.readyAll();
    g.vote({ 1: 4, 2: 4, 3: 4, 5: 4, 6: 4, 4: 1, 7: 1 });
    g.timeout();
    // A dead mafia seat stops reading the mafia channel.
    expect(channels(g.state, 4)).toEqual({ room: [true, false], mafia: [false, false], dead: [true, true] });
    expect(channels(g.state, 'spectator')).toEqual({
      room: [true, false],
      mafia: [false, false],
      dead: [false, false],
    });
  });

  it('opens the room to every seat once the game is over', () => {
    const g = game(4, 2);
    g.kill({ 1: 0 });
    g.readyAll();
    g.vote({ 1: 2, 2: 1, 3: 1 });
    expect(channels(g.state, 0)).toEqual({ room: [true, true], mafia: [false, false], dead: [true, false] });
    expect(channels(g.state, 1)).toEqual({ room: [true, true], mafia: [true, false], dead: [true, false] });
    expect(channels(g.state, 'spectator')).toEqual({
      room: [true, false],
      mafia: [false, false],
      dead: [false, false],
    });
  });
});

describe('mafia: chat channel declarations', () => {
  it('at night: the room read-only for all, the mafia channel holds the mafia and only the living write it, the dead channel the dead', () => {
    const g = game(8, 3);
    expect(mafiaEngine.channels!(g.state)).toEqual({
      room: { members: 'all', write: 'none', spectators: 'read' },
      mafia: { members: [4, 7], read: [4, 7], write: [4, 7], spectators: 'none' },
      dead: { members: [], write: 'members', spectators: 'none' },
    });
  });

  it('by day: the living write in the room, the mafia channel is read-only, the dead talk among themselves', () => {
    const g = game(8, 3);
    g.kill({ 4: 0, 7: 0 });
    expect(mafiaChannels(g.state)).toEqual({
      room: { members: 'all', write: [1, 2, 3, 4, 5, 6, 7], spectators: 'read' },
      mafia: { members: [4, 7], read: [4, 7], write: 'none', spectators: 'none' },
      dead: { members: [0], write: 'members', spectators: 'none' },
    });
    g.readyAll();
    expect(mafiaChannels(g.state).room.write).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps a dead mafia seat in the mafia channel without reading it, and in the dead channel', () => {
    const g = game(8, 3);
    g.kill({ 4: 0, 7: 0 });
    g.readyAll();
    g.vote({ 1: 4, 2: 4, 3: 4, 5: 4, 6: 4, 4: 1, 7: 1 });
    expect(g.state.phase).toBe('night');
    expect(mafiaChannels(g.state)).toEqual({
      room: { members: 'all', write: 'none', spectators: 'read' },
      mafia: { members: [4, 7], read: [7], write: [7], spectators: 'none' },
      dead: { members: [0, 4], write: 'members', spectators: 'none' },
    });
    g.timeout();
    expect(g.state.phase).toBe('discussion');
    expect(mafiaChannels(g.state).room.write).toEqual([1, 2, 3, 5, 6, 7]);
    expect(mafiaChannels(g.state).mafia).toEqual({ members: [4, 7], read: [7], write: 'none', spectators: 'none' });
  });

  it('once the game is over: the room open to every seat, the side channels read-only for their members', () => {
    const g = game(4, 2);
    g.kill({ 1: 0 });
    g.readyAll();
    g.vote({ 1: 2, 2: 1, 3: 1 });
    expect(g.state.phase).toBe('finished');
    expect(mafiaChannels(g.state)).toEqual({
      room: { members: 'all', write: 'members', spectators: 'read' },
      mafia: { members: [1], write: 'none', spectators: 'none' },
      dead: { members: [0, 1], write: 'none', spectators: 'none' },
    });
  });
});

describe('mafia: the bot', () => {
  /** 8 seats, mafia 4 and 7: nobody dies on night 1, seat 5 is executed, then the mafia kill seat 1, whom they had voted against. */
  function dayTwo() {
    const g = game(8, 3);
    g.timeout();
    g.readyAll();
    g.vote({ 4: 1, 7: 1, 0: 5, 3: 5, 6: 5, 1: 6, 2: 6 });
    g.timeout();
    expect(g.state.votings[0].executed).toBe(5);
    return g;
  }

  it("follows a fellow mafia seat's night choice", () => {
    const g = dayTwo();
    g.kill({ 4: 1 });
    expect(mafiaEngine.botAction(mafiaEngine.view(g.state, 7), 7, [], contextAt(g.random, T0))).toEqual({
      type: 'kill',
      seat: 1,
    });
  });

  it('as town, votes for a seat that voted against confirmed town', () => {
    const g = dayTwo();
    g.kill({ 4: 1, 7: 1 });
    g.readyAll();
    for (let draw = 0; draw < 10; draw += 1) {
      const action = mafiaEngine.botAction(mafiaEngine.view(g.state, 3), 3, [], contextAt(seededRandom(draw), T0));
      expect(action?.type).toBe('vote');
      expect([4, 7]).toContain(action?.seat);
    }
  });

  it('accuses from memory when the view no longer shows the old votes', () => {
    const g = dayTwo();
    g.kill({ 4: 1, 7: 1 });
    g.readyAll();
    const forgetful: MafiaState = { ...g.state, votings: [] };
    const memory = [{ round: 1, votes: { 4: 1, 7: 1, 0: 5 } }];
    const view = mafiaEngine.view(forgetful, 3);
    for (let draw = 0; draw < 10; draw += 1) {
      expect([4, 7]).toContain(mafiaEngine.botAction(view, 3, memory, contextAt(seededRandom(draw), T0))?.seat);
    }
    expect(mafiaEngine.botMemoryEntry?.(mafiaEngine.view(g.state, 3), 3)).toEqual({
      round: 1,
      votes: { 4: 1, 7: 1, 0: 5, 3: 5, 6: 5, 1: 6, 2: 6 },
    });
  });

  it('does nothing when it has nothing to do: town at night, the dead, spectators', () => {
    const g = dayTwo();
    const ctx = contextAt(g.random, T0);
    expect(mafiaEngine.botAction(mafiaEngine.view(g.state, 0), 0, [], ctx)).toBeNull();
    expect(mafiaEngine.botAction(mafiaEngine.view(g.state, 5), 5, [], ctx)).toBeNull();
    expect(mafiaEngine.botAction(mafiaEngine.view(g.state, 'spectator'), 0, [], ctx)).toBeNull();
    expect(mafiaEngine.botAction(mafiaEngine.view(g.state, 4), 4, [], ctx)?.type).toBe('kill');
  });
});
