/**
 * Crew's rules, as GAMES.md section 3 states them, and what we decided where it is silent:
 * - One task per crew seat per tasks phase (`task`), so the crew need `tasksPerCrew` rounds; a crew seat with
 *   every task done is not waited for. An impostor's `task` is a pretence: accepted, it completes nothing.
 *   Each seat acts once per tasks phase (a task, a pretence or a kill; a second is ALREADY_ACTED).
 * - The tasks phase ends early when every seat it waits for has acted; that meeting's reason is `timer`,
 *   as at the deadline. A kill calls a meeting at once (reason `body`); it names the victim, never the killer.
 * - The emergency meeting (`meeting`) may be called by any living seat once per game, even after acting;
 *   a second is ALREADY_ACTED. Its caller is public.
 * - Meeting: `vote` for another living seat (not yourself: SELF_TARGET; the dead: INVALID_TARGET) or
 *   `skip`. A seat is ejected only with more votes than every other seat and than the skips; a tie, or
 *   skips at least as many, ejects nobody. Missing votes count for nothing.
 * - An ejected seat's role is not told, and the impostors know each other (two from 8 seats).
 * - `impostors` 0 (the default) means one, two from 8 seats; any count is held below half the seats.
 * - Crew win when no impostor lives, or when every living crew seat has done all its tasks; the impostors
 *   win at parity, and also when `maxRounds` rounds end without a winner (the crew ran out of time), which
 *   bounds every game. After a kill, parity is checked before the tasks.
 * - The public task bar counts every crew task done since the start, the dead's included.
 */
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
import { crewEngine, parseCrewOptions } from '../../../src/games/domain/crew/crew.engine';
import { impostorCount } from '../../../src/games/domain/crew/crew.rules';
import type { CrewOptions, CrewState, CrewView } from '../../../src/games/domain/crew/crew.types';
import { crewChannels, crewChatChannels } from '../../../src/games/domain/crew/crew.view';
import { applyRoomCommand, roomDeadlines, roomRandom } from '../../../src/games/domain/room/room.rules';
import type { RoomCommand, RoomState } from '../../../src/games/domain/room/room.types';
import { contextAt, fireDeadline, gameRoom, mustApply, seatsOf } from '../../support/engine-harness';

const T0 = 1_000_000;
const anyCrew = crewEngine as unknown as GameEngine<unknown, object>;
const fast: CrewOptions = { ...crewEngine.defaultOptions, tasksMs: 80, meetingMs: 60 };

/** A game advanced by hand. Seed 2 with 4 seats makes seat 1 the impostor; seed 3 with 8 seats, seats 4 and 7. */
function game(seatCount: number, seed: number, options: CrewOptions = fast) {
  const random = seededRandom(seed);
  const started = crewEngine.start(seatsOf(seatCount), options, contextAt(random, T0));
  let state = started.state;
  let now = T0;
  const log: GameEvent[] = [...started.events];
  return {
    random,
    started,
    log,
    get state(): CrewState {
      return state;
    },
    at(time: number) {
      now = time;
    },
    act(action: GameAction, actor: Actor): Transition<CrewState> {
      const done = mustApply(crewEngine, state, action, actor, contextAt(random, now));
      state = done.state;
      log.push(...done.events);
      return done;
    },
    attempt(action: GameAction, actor: Actor) {
      return playMove(crewEngine, state, action, actor, contextAt(random, now));
    },
    timeout(): Transition<CrewState> {
      const done = fireDeadline(crewEngine, state, random);
      now = state.deadline!.at;
      state = done.state;
      log.push(...done.events);
      return done;
    },
    tasks(...seats: number[]): void {
      for (const seat of seats) this.act({ type: 'task' }, seat);
    },
    vote(votes: Record<number, number | 'skip'>): void {
      for (const [voter, vote] of Object.entries(votes))
        this.act(vote === 'skip' ? { type: 'skip' } : { type: 'vote', seat: vote }, Number(voter));
    },
  };
}

const codeOf = (outcome: unknown): string | undefined => (isRejection(outcome) ? outcome.code : undefined);
const viewOf = (state: CrewState, viewer: number | 'spectator' | 'host') => crewEngine.view(state, viewer) as CrewView;
const impostorsOf = (state: CrewState) =>
  Object.keys(state.roles)
    .map(Number)
    .filter((seat) => state.roles[seat] === 'impostor');
/** Whether serialized text names a seat's role as impostor. */
const revealsImpostor = (value: unknown): boolean => JSON.stringify(value).includes('"impostor"');

describe('crew: complete games with fixed seeds', () => {
  it('deals one impostor, two from 8 seats, or the count asked for, always fewer than half the seats', () => {
    for (let seats = 4; seats <= 10; seats += 1) {
      expect(impostorsOf(game(seats, seats).state)).toHaveLength(seats >= 8 ? 2 : 1);
      expect(impostorsOf(game(seats, seats, { ...fast, impostors: 3 }).state)).toHaveLength(
        Math.min(3, Math.floor((seats - 1) / 2)),
      );
    }
    expect([4, 5, 7, 8, 10].map((seats) => impostorCount(seats, 0))).toEqual([1, 1, 1, 2, 2]);
    expect([4, 5, 6, 7].map((seats) => impostorCount(seats, 3))).toEqual([1, 2, 2, 3]);
    expect(impostorsOf(game(4, 2).state)).toEqual([1]);
    expect(impostorsOf(game(8, 3).state)).toEqual([4, 7]);
  });

  it('the crew win by ejecting the only impostor, after its kill calls a meeting at once', () => {
    const g = game(4, 2);
    expect(g.state).toMatchObject({ phase: 'tasks', round: 1, alive: [0, 1, 2, 3] });
    g.tasks(2);
    g.act({ type: 'kill', seat: 0 }, 1);
    expect(g.state).toMatchObject({
      phase: 'meeting',
      meeting: { round: 1, reason: 'body', caller: null, victim: 0 },
      alive: [1, 2, 3],
    });
    g.vote({ 2: 1, 3: 1, 1: 2 });
    expect(g.state).toMatchObject({
      phase: 'finished',
      winner: 'crew',
      finishReason: 'impostors_ejected',
      alive: [2, 3],
      deadline: null,
    });
    expect(crewEngine.result(g.state)).toEqual({
      winners: [0, 2, 3],
      scores: { 0: 1, 1: 0, 2: 1, 3: 1 },
      summary: 'The crew won (impostors_ejected) in round 1',
    });
    expect(g.log.map((event) => event.type)).toEqual([
      'roles_dealt',
      'role_assigned',
      'role_assigned',
      'role_assigned',
      'role_assigned',
      'tasks_started',
      'task_done',
      'seat_killed',
      'meeting_called',
      'vote_cast',
      'vote_cast',
      'vote_cast',
      'meeting_resolved',
      'game_finished',
    ]);
    expect(g.log.at(-2)?.payload).toEqual({
      round: 1,
      reason: 'body',
      caller: null,
      victim: 0,
      votes: { 1: 2, 2: 1, 3: 1 },
      tally: { 1: 2, 2: 1 },
      skips: 0,
      ejected: 1,
    });
  });

  it('the crew win when every living crew seat has done all its tasks, one per tasks phase', () => {
    const g = game(4, 2);
    g.tasks(0, 2, 3);
    expect(codeOf(g.attempt({ type: 'task' }, 0))).toBe('ALREADY_ACTED');
    // The impostor pretends: the phase has everyone it waits for, so the meeting comes early.
    g.act({ type: 'task' }, 1);
    expect(g.state).toMatchObject({ phase: 'meeting', meeting: { reason: 'timer', caller: null, victim: null } });
    expect(viewOf(g.state, 'spectator').taskProgress).toEqual({ done: 3, total: 6 });
    g.vote({ 0: 'skip', 1: 'skip', 2: 'skip', 3: 'skip' });
    expect(g.state).toMatchObject({ phase: 'tasks', round: 2 });
    g.tasks(3, 0);
    expect(g.state.phase).toBe('tasks');
    g.tasks(2);
    expect(g.state).toMatchObject({ phase: 'finished', winner: 'crew', finishReason: 'tasks_done', round: 2 });
    expect(crewEngine.result(g.state)?.winners).toEqual([0, 2, 3]);
  });

  it("a dead crew seat's unfinished tasks do not keep the crew from winning", () => {
    const g = game(5, 2, { ...fast, tasksPerCrew: 1 });
    expect(impostorsOf(g.state)).toEqual([2]);
    g.tasks(0, 1);
    g.act({ type: 'kill', seat: 3 }, 2);
    g.vote({ 0: 'skip', 1: 'skip', 2: 'skip', 4: 'skip' });
    expect(g.state.phase).toBe('tasks');
    g.tasks(4);
    expect(g.state).toMatchObject({ phase: 'finished', winner: 'crew', finishReason: 'tasks_done' });
  });

  it('the impostor wins when the living impostors are as many as the living crew', () => {
    const g = game(4, 2);
    g.act({ type: 'kill', seat: 0 }, 1);
    g.vote({ 1: 'skip', 2: 3, 3: 2 });
    expect(g.state.meetings[0]).toMatchObject({ tally: { 2: 1, 3: 1 }, skips: 1, ejected: null });
    expect(g.state).toMatchObject({ phase: 'tasks', round: 2, alive: [1, 2, 3] });
    const last = g.act({ type: 'kill', seat: 3 }, 1);
    expect(g.state).toMatchObject({ phase: 'finished', winner: 'impostor', finishReason: 'impostor_parity' });
    expect(last.events.map((event) => event.type)).toEqual(['seat_killed', 'game_finished']);
    expect(last.events[1].payload).toEqual({
      winner: 'impostor',
      reason: 'impostor_parity',
      roles: { 0: 'crew', 1: 'impostor', 2: 'crew', 3: 'crew' },
      kills: [
        { round: 1, killer: 1, victim: 0 },
        { round: 2, killer: 1, victim: 3 },
      ],
    });
    expect(crewEngine.result(g.state)).toMatchObject({
      winners: [1],
      summary: 'The impostor won (impostor_parity) in round 2',
    });
  });

  it('the impostors win when maxRounds rounds end without a winner', () => {
    const g = game(8, 3, { ...fast, maxRounds: 2 });
    for (let phase = 0; phase < 3; phase += 1) g.timeout();
    expect(g.state).toMatchObject({ phase: 'meeting', round: 2 });
    g.timeout();
    expect(g.state).toMatchObject({ phase: 'finished', winner: 'impostor', finishReason: 'time_up', round: 2 });
    expect(crewEngine.result(g.state)).toMatchObject({
      winners: [4, 7],
      summary: 'The impostors won (time_up) in round 2',
    });
  });

  it('plays an 8-seat game: emergency meetings, a tie and a skip majority eject nobody, then both impostors go', () => {
    const g = game(8, 3);
    g.act({ type: 'meeting' }, 0);
    expect(g.state).toMatchObject({ phase: 'meeting', meeting: { reason: 'emergency', caller: 0, victim: null } });
    // A tie between two seats ejects nobody.
    g.vote({ 0: 4, 1: 4, 2: 5, 3: 5, 4: 'skip' });
    g.timeout();
    expect(g.state.meetings[0]).toMatchObject({ tally: { 4: 2, 5: 2 }, skips: 1, ejected: null });
    expect(g.state).toMatchObject({ phase: 'tasks', round: 2, alive: [0, 1, 2, 3, 4, 5, 6, 7] });
    // Skips as many as the top seat eject nobody.
    g.act({ type: 'meeting' }, 5);
    g.vote({ 0: 4, 1: 4, 2: 'skip', 3: 'skip', 4: 0, 5: 'skip', 6: 'skip', 7: 0 });
    expect(g.state.meetings[1]).toMatchObject({ tally: { 4: 2, 0: 2 }, skips: 4, ejected: null });
    expect(codeOf(g.attempt({ type: 'meeting' }, 0))).toBe('ALREADY_ACTED');
    g.act({ type: 'kill', seat: 2 }, 7);
    g.vote({ 0: 7, 1: 7, 3: 7, 4: 0, 5: 'skip', 6: 7, 7: 0 });
    expect(g.state.meetings[2]).toMatchObject({ reason: 'body', victim: 2, ejected: 7 });
    expect(g.state.phase).toBe('tasks');
    g.timeout();
    expect(g.state.meeting).toMatchObject({ round: 4, reason: 'timer' });
    g.vote({ 0: 4, 1: 4, 3: 4, 5: 4, 6: 0 });
    expect(g.state.phase).toBe('meeting');
    g.timeout();
    expect(g.state).toMatchObject({ phase: 'finished', winner: 'crew', finishReason: 'impostors_ejected' });
    expect(g.state.deaths).toEqual([
      { round: 3, seat: 2, cause: 'killed' },
      { round: 3, seat: 7, cause: 'ejected' },
      { round: 4, seat: 4, cause: 'ejected' },
    ]);
  });
});

describe('crew: rejections carry their code', () => {
  it('GAME_NOT_ACTIVE after the end and in the lobby after a reset', () => {
    const g = game(4, 2);
    g.act({ type: 'kill', seat: 0 }, 1);
    g.vote({ 2: 1, 3: 1, 1: 2 });
    expect(codeOf(g.attempt({ type: 'task' }, 2))).toBe('GAME_NOT_ACTIVE');
    const room = gameRoom(anyCrew, 4, fast, 2);
    room.run({ type: 'game.reset' }, 'user-0');
    expect(codeOf(room.run({ type: 'game.act', action: { type: 'task' } }, 'user-2'))).toBe('GAME_NOT_ACTIVE');
  });

  it('NOT_YOUR_TURN for a seat outside the game', () => {
    expect(codeOf(game(4, 2).attempt({ type: 'task' }, 9))).toBe('NOT_YOUR_TURN');
  });

  it('DEAD_SEAT for every move of a dead or ejected seat', () => {
    const g = game(8, 3);
    g.act({ type: 'kill', seat: 0 }, 4);
    for (const action of [{ type: 'vote', seat: 4 }, { type: 'skip' }])
      expect(codeOf(g.attempt(action, 0))).toBe('DEAD_SEAT');
    g.vote({ 1: 4, 2: 4, 3: 4, 5: 4, 6: 4, 4: 1, 7: 1 });
    expect(g.state.phase).toBe('tasks');
    for (const action of [{ type: 'kill', seat: 1 }, { type: 'task' }, { type: 'meeting' }])
      expect(codeOf(g.attempt(action, 4))).toBe('DEAD_SEAT');
    expect(codeOf(g.attempt({ type: 'task' }, 0))).toBe('DEAD_SEAT');
  });

  it('WRONG_PHASE for a move outside its phase', () => {
    const g = game(4, 2);
    expect(codeOf(g.attempt({ type: 'vote', seat: 2 }, 0))).toBe('WRONG_PHASE');
    expect(codeOf(g.attempt({ type: 'skip' }, 0))).toBe('WRONG_PHASE');
    g.act({ type: 'meeting' }, 3);
    expect(codeOf(g.attempt({ type: 'kill', seat: 2 }, 1))).toBe('WRONG_PHASE');
    expect(codeOf(g.attempt({ type: 'task' }, 0))).toBe('WRONG_PHASE');
    expect(codeOf(g.attempt({ type: 'meeting' }, 0))).toBe('WRONG_PHASE');
  });

  it('ROLE_FORBIDDEN for a crew seat that tries to kill, whatever the target', () => {
    const g = game(4, 2);
    for (const target of [0, 1, 2]) expect(codeOf(g.attempt({ type: 'kill', seat: target }, 0))).toBe('ROLE_FORBIDDEN');
  });

  it('INVALID_TARGET for a kill of an impostor, the dead or no seat, and a vote for the dead', () => {
    const g = game(8, 3);
    expect(codeOf(g.attempt({ type: 'kill', seat: 7 }, 4))).toBe('INVALID_TARGET');
    expect(codeOf(g.attempt({ type: 'kill', seat: 8 }, 4))).toBe('INVALID_TARGET');
    g.act({ type: 'kill', seat: 2 }, 4);
    expect(codeOf(g.attempt({ type: 'vote', seat: 2 }, 0))).toBe('INVALID_TARGET');
    expect(codeOf(g.attempt({ type: 'vote', seat: 11 }, 0))).toBe('INVALID_TARGET');
    g.timeout();
    expect(codeOf(g.attempt({ type: 'kill', seat: 2 }, 7))).toBe('INVALID_TARGET');
  });

  it('SELF_TARGET for a kill of yourself or a vote for yourself', () => {
    const g = game(4, 2);
    expect(codeOf(g.attempt({ type: 'kill', seat: 1 }, 1))).toBe('SELF_TARGET');
    g.act({ type: 'meeting' }, 0);
    expect(codeOf(g.attempt({ type: 'vote', seat: 3 }, 3))).toBe('SELF_TARGET');
  });

  it('ALREADY_ACTED for a second task, a kill after a pretence, a second vote or skip, a second emergency', () => {
    const g = game(8, 3);
    g.tasks(0);
    expect(codeOf(g.attempt({ type: 'task' }, 0))).toBe('ALREADY_ACTED');
    g.act({ type: 'task' }, 4);
    expect(codeOf(g.attempt({ type: 'kill', seat: 1 }, 4))).toBe('ALREADY_ACTED');
    g.act({ type: 'meeting' }, 0);
    g.vote({ 1: 'skip' });
    expect(codeOf(g.attempt({ type: 'vote', seat: 2 }, 1))).toBe('ALREADY_ACTED');
    expect(codeOf(g.attempt({ type: 'skip' }, 1))).toBe('ALREADY_ACTED');
    g.timeout();
    expect(codeOf(g.attempt({ type: 'meeting' }, 0))).toBe('ALREADY_ACTED');
    // A crew seat with every task done has nothing more to do.
    const h = game(4, 2, { ...fast, tasksPerCrew: 1 });
    h.tasks(0);
    h.timeout();
    h.timeout();
    expect(codeOf(h.attempt({ type: 'task' }, 0))).toBe('ALREADY_ACTED');
  });

  it('INVALID_ACTION for unknown or malformed moves, moves by the system and timeouts sent by a seat', () => {
    const g = game(4, 2);
    expect(codeOf(g.attempt({ type: 'sabotage' }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'kill' }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'kill', seat: '0' }, 1))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'task' }, 'system'))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: g.state.deadline?.id }, 1))).toBe('INVALID_ACTION');
    g.act({ type: 'meeting' }, 0);
    expect(codeOf(g.attempt({ type: 'vote', seat: -1 }, 2))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'vote', seat: 'skip' }, 2))).toBe('INVALID_ACTION');
  });

  it('STALE_DEADLINE for an old or unknown deadline, and HOST_ONLY for a reset by a seat', () => {
    const g = game(4, 2);
    const tasks = g.state.deadline!;
    g.act({ type: 'meeting' }, 0);
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: tasks.id }, 'system'))).toBe('STALE_DEADLINE');
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: 'meeting:1:2' }, 'system'))).toBe('STALE_DEADLINE');
    expect(codeOf(gameRoom(anyCrew, 4, fast, 2).run({ type: 'game.reset' }, 'user-1'))).toBe('HOST_ONLY');
  });

  it('INVALID_OPTIONS for unknown keys and out-of-range values', () => {
    expect(parseCrewOptions(undefined)).toEqual({
      tasksMs: 8_000,
      meetingMs: 6_000,
      tasksPerCrew: 2,
      impostors: 0,
      maxRounds: 10,
    });
    expect(parseCrewOptions({ tasksPerCrew: 4, impostors: 2 })).toMatchObject({ tasksPerCrew: 4, impostors: 2 });
    for (const bad of [
      { tasksMs: 0 },
      { meetingMs: 3_600_001 },
      { tasksPerCrew: 0 },
      { tasksPerCrew: 11 },
      { impostors: 4 },
      { impostors: 1.5 },
      { maxRounds: 0 },
      { tasksPerCrew: '2' },
      { sabotage: true },
    ])
      expect(codeOf(parseCrewOptions(bad as unknown as Partial<CrewOptions>))).toBe('INVALID_OPTIONS');
  });

  it('NOT_ENOUGH_PLAYERS for a start with fewer than 4 seats taken, INVALID_OPTIONS for more than 10 seats', () => {
    const engines = (gameId: string) => (gameId === 'crew' ? anyCrew : undefined);
    const holder = (seat: number) => ({
      userId: `u${seat}`,
      ownerId: `u${seat}`,
      kind: 'human' as const,
      name: `S${seat}`,
    });
    let state: RoomState | null = null;
    const run = (command: RoomCommand, userId: string) => {
      const outcome = applyRoomCommand(
        state,
        command,
        { kind: 'user', userId },
        { now: T0, random: roomRandom(1, 1) },
        engines,
      );
      if (outcome.ok) state = outcome.state;
      return outcome;
    };
    const settings = (seatCount: number) => ({
      seatCount,
      botFill: false,
      reconnectWindowMs: 1000,
      botDelayMs: 10,
      kickBanMs: 1000,
      game: {},
    });
    const create = (seatCount: number): RoomCommand => ({
      type: 'room.create',
      roomId: 'r',
      gameId: 'crew',
      name: 'R',
      visibility: 'public',
      seed: 1,
      settings: settings(seatCount),
      host: holder(0),
    });
    expect(codeOf(run(create(11), 'u0'))).toBe('INVALID_OPTIONS');
    expect(run(create(4), 'u0').ok).toBe(true);
    for (const seat of [1, 2]) run({ type: 'seat.take', holder: holder(seat) }, `u${seat}`);
    expect(codeOf(run({ type: 'game.start' }, 'u0'))).toBe('NOT_ENOUGH_PLAYERS');
  });
});

describe('crew: phases and deadlines', () => {
  it('the task deadline calls a meeting (reason: timer) whose deadline runs from then; fresh ids every phase', () => {
    const g = game(4, 2);
    const ids = [g.state.deadline!.id];
    expect(g.state.deadline!.at).toBe(T0 + fast.tasksMs);
    g.timeout();
    expect(g.state.meeting).toEqual({ round: 1, reason: 'timer', caller: null, victim: null });
    expect(g.state.deadline!.at).toBe(T0 + fast.tasksMs + fast.meetingMs);
    ids.push(g.state.deadline!.id);
    g.timeout();
    expect(g.state).toMatchObject({ phase: 'tasks', round: 2 });
    expect(g.state.meetings[0]).toMatchObject({ votes: {}, ejected: null });
    ids.push(g.state.deadline!.id);
    g.at(T0 + 500);
    g.act({ type: 'meeting' }, 2);
    expect(g.state.deadline!.at).toBe(T0 + 500 + fast.meetingMs);
    ids.push(g.state.deadline!.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('waits for the living seats that have not acted, crew with tasks left and impostors, then every living voter', () => {
    const g = game(4, 2, { ...fast, tasksPerCrew: 1 });
    expect([...crewEngine.pendingSeats(g.state)].sort()).toEqual([0, 1, 2, 3]);
    g.tasks(0);
    expect([...crewEngine.pendingSeats(g.state)].sort()).toEqual([1, 2, 3]);
    g.timeout();
    expect(crewEngine.pendingSeats(g.state)).toEqual([0, 1, 2, 3]);
    g.vote({ 0: 'skip', 1: 'skip', 2: 'skip' });
    expect(crewEngine.pendingSeats(g.state)).toEqual([3]);
    g.vote({ 3: 'skip' });
    // Seat 0 has done its one task: the tasks phase no longer waits for it.
    expect([...crewEngine.pendingSeats(g.state)].sort()).toEqual([1, 2, 3]);
  });

  it('a reset returns to the lobby and nothing of the old game fires', () => {
    const room = gameRoom(anyCrew, 4, fast, 2);
    const pending = crewEngine.deadline(room.state.game as CrewState)!;
    room.run({ type: 'game.reset' }, 'user-0');
    expect(room.state).toMatchObject({ phase: 'lobby', game: null });
    expect(roomDeadlines(room.state, room.engines)).toEqual([]);
    expect(codeOf(room.run({ type: 'game.timeout', deadlineId: pending.id }, null))).toBe('STALE_DEADLINE');
  });
});

describe('crew: what each viewer sees', () => {
  it('tells each seat its own role and each impostor its fellow, through views and events alike', () => {
    const g = game(8, 3);
    expect(viewOf(g.state, 4).you).toMatchObject({ role: 'impostor', impostors: [4, 7], tasks: null });
    expect(viewOf(g.state, 0).you).toMatchObject({ role: 'crew', impostors: [], tasks: { done: 0, total: 2 } });
    expect(viewOf(g.state, 'spectator')).toMatchObject({ you: null, roles: null, kills: null, impostorCount: 2 });
    const roleEvents = g.started.events.filter((event) => event.type === 'role_assigned');
    expect(roleEvents[0]).toEqual({
      type: 'role_assigned',
      payload: { role: 'impostor', impostors: [4, 7] },
      audience: [4, 7],
    });
    expect(roleEvents.slice(1).map((event) => event.audience)).toEqual([[0], [1], [2], [3], [5], [6]]);
  });

  it("never names a kill's author before the end, not even to the fellow impostor; the killer sees its own kills", () => {
    const g = game(8, 3);
    const killed = g.act({ type: 'kill', seat: 3 }, 7);
    expect(killed.events).toEqual([
      { type: 'seat_killed', payload: { round: 1, seat: 3 }, audience: 'all' },
      {
        type: 'meeting_called',
        payload: { round: 1, reason: 'body', caller: null, victim: 3, deadline: g.state.deadline },
        audience: 'all',
      },
    ]);
    expect(viewOf(g.state, 7).you?.kills).toEqual([3]);
    expect(viewOf(g.state, 4).you?.kills).toEqual([]);
    for (const viewer of [0, 3, 4, 'spectator', 'host'] as const) {
      const view = viewOf(g.state, viewer);
      expect(view.kills).toBeNull();
      expect(view.roles).toBeNull();
      expect(JSON.stringify(view)).not.toMatch(/"killer"/);
      if (viewer !== 4) expect(revealsImpostor(view)).toBe(false);
    }
  });

  it("shows that a seat voted but not whom for, until the meeting resolves; then everyone's votes", () => {
    const g = game(4, 2);
    g.act({ type: 'meeting' }, 0);
    const cast = g.act({ type: 'vote', seat: 1 }, 2);
    g.act({ type: 'skip' }, 3);
    expect(cast.events).toEqual([{ type: 'vote_cast', payload: { round: 1, seat: 2 }, audience: 'all' }]);
    expect(viewOf(g.state, 2).you?.vote).toBe(1);
    expect(viewOf(g.state, 3).you?.vote).toBe('skip');
    const other = viewOf(g.state, 0);
    expect(other.you?.vote).toBeNull();
    expect(other.seats.filter((seat) => seat.voted).map((seat) => seat.seat)).toEqual([2, 3]);
    expect(other.lastMeeting).toBeNull();
    g.vote({ 0: 1, 1: 'skip' });
    expect(viewOf(g.state, 'spectator').lastMeeting).toMatchObject({ votes: { 0: 1, 1: 'skip', 2: 1, 3: 'skip' } });
  });

  it('shows the crew task bar to everyone and a seat its own tasks; the dead see nothing the living do not', () => {
    const g = game(4, 2);
    g.tasks(0, 2);
    expect(viewOf(g.state, 'spectator').taskProgress).toEqual({ done: 2, total: 6 });
    expect(viewOf(g.state, 0).you?.tasks).toEqual({ done: 1, total: 2 });
    g.act({ type: 'kill', seat: 0 }, 1);
    // The dead seat's tasks still count on the bar.
    expect(viewOf(g.state, 3).taskProgress).toEqual({ done: 2, total: 6 });
    const { you: deadYou, ...dead } = viewOf(g.state, 0);
    const { you: livingYou, ...livingCrew } = viewOf(g.state, 3);
    expect(dead).toEqual(livingCrew);
    expect(viewOf(g.state, 'spectator')).toEqual({ ...livingCrew, you: null });
    expect(deadYou).toMatchObject({ role: 'crew', alive: false, mustAct: false, impostors: [] });
    expect(livingYou).toMatchObject({ role: 'crew', alive: true });
  });
});

describe('crew: chat channels', () => {
  const access = (state: CrewState, viewer: number | 'spectator') =>
    Object.fromEntries(
      crewChatChannels(state, viewer).map((entry) => [entry.channel, [entry.canRead, entry.canWrite]]),
    );

  it('in the tasks phase nobody talks in the room; the dead talk among themselves', () => {
    const g = game(4, 2);
    expect(crewEngine.channels!(g.state)).toEqual({
      room: { members: 'all', write: 'none', spectators: 'read' },
      dead: { members: [], write: 'members', spectators: 'none' },
    });
    g.act({ type: 'kill', seat: 0 }, 1);
    g.vote({ 1: 'skip', 2: 'skip', 3: 'skip' });
    expect(g.state.phase).toBe('tasks');
    expect(access(g.state, 2)).toEqual({ room: [true, false], dead: [false, false] });
    expect(access(g.state, 0)).toEqual({ room: [true, false], dead: [true, true] });
    expect(access(g.state, 'spectator')).toEqual({ room: [true, false], dead: [false, false] });
  });

  it('in a meeting the living talk in the room, the dead still only among the dead', () => {
    const g = game(4, 2);
    g.act({ type: 'kill', seat: 0 }, 1);
    expect(crewChannels(g.state)).toEqual({
      room: { members: 'all', write: [1, 2, 3], spectators: 'read' },
      dead: { members: [0], write: 'members', spectators: 'none' },
    });
    expect(access(g.state, 1)).toEqual({ room: [true, true], dead: [false, false] });
    expect(access(g.state, 0)).toEqual({ room: [true, false], dead: [true, true] });
  });

  it('once the game is over the room is open to every seat and the dead channel is read-only', () => {
    const g = game(4, 2);
    g.act({ type: 'kill', seat: 0 }, 1);
    g.vote({ 2: 1, 3: 1, 1: 2 });
    expect(crewChannels(g.state)).toEqual({
      room: { members: 'all', write: 'members', spectators: 'read' },
      dead: { members: [0, 1], write: 'none', spectators: 'none' },
    });
  });
});

describe('crew: the bot', () => {
  const ctxAt = (now: number, seed = 1) => contextAt(seededRandom(seed), now);

  it('an impostor kills while no meeting is near, and pretends to work when the timer is about to call one', () => {
    const g = game(4, 2);
    const view = crewEngine.view(g.state, 1);
    const early = crewEngine.botAction(view, 1, [], ctxAt(T0 + 10));
    expect(early?.type).toBe('kill');
    expect([0, 2, 3]).toContain(early?.seat);
    expect(crewEngine.botAction(view, 1, [], ctxAt(T0 + fast.tasksMs - 5))).toEqual({ type: 'task' });
  });

  it('the crew do their tasks, and do nothing once they are done or dead', () => {
    const g = game(4, 2, { ...fast, tasksPerCrew: 1 });
    expect(crewEngine.botAction(crewEngine.view(g.state, 0), 0, [], ctxAt(T0))).toEqual({ type: 'task' });
    g.tasks(0);
    expect(crewEngine.botAction(crewEngine.view(g.state, 0), 0, [], ctxAt(T0))).toBeNull();
    g.act({ type: 'kill', seat: 2 }, 1);
    expect(crewEngine.botAction(crewEngine.view(g.state, 2), 2, [], ctxAt(T0))).toBeNull();
    expect(crewEngine.botAction(crewEngine.view(g.state, 'spectator'), 0, [], ctxAt(T0))).toBeNull();
  });

  /** 8 seats, impostors 4 and 7: in an emergency meeting 4 and 7 vote against seat 2, whom 7 then kills. */
  function afterAKill() {
    const g = game(8, 3);
    g.act({ type: 'meeting' }, 6);
    g.vote({ 4: 2, 7: 2, 0: 'skip', 1: 'skip', 2: 'skip', 3: 5, 5: 'skip', 6: 'skip' });
    g.act({ type: 'kill', seat: 2 }, 7);
    return g;
  }

  it('the crew vote against the seats that voted against a seat later found dead, and skip without a suspect', () => {
    const g = afterAKill();
    for (let seed = 0; seed < 10; seed += 1) {
      const action = crewEngine.botAction(crewEngine.view(g.state, 0), 0, [], ctxAt(T0, seed));
      expect(action?.type).toBe('vote');
      expect([4, 7]).toContain(action?.seat);
    }
    const fresh = game(8, 3);
    fresh.act({ type: 'meeting' }, 6);
    expect(crewEngine.botAction(crewEngine.view(fresh.state, 0), 0, [], ctxAt(T0))).toEqual({ type: 'skip' });
  });

  it('votes from memory when the view no longer shows the old meeting', () => {
    const g = afterAKill();
    g.vote({ 0: 'skip', 1: 'skip', 3: 'skip', 4: 'skip', 5: 'skip', 6: 'skip', 7: 'skip' });
    expect(g.state.phase).toBe('tasks');
    const entry = crewEngine.botMemoryEntry!(crewEngine.view(g.state, 0), 0);
    expect(entry).toEqual({
      round: 2,
      votes: { 0: 'skip', 1: 'skip', 3: 'skip', 4: 'skip', 5: 'skip', 6: 'skip', 7: 'skip' },
      killed: [2],
    });
    g.act({ type: 'meeting' }, 5);
    const memory = [{ round: 1, votes: { 4: 2, 7: 2, 3: 5 }, killed: [2] }];
    const forgetful: CrewState = { ...g.state, meetings: g.state.meetings.slice(1) };
    for (let seed = 0; seed < 10; seed += 1) {
      const action = crewEngine.botAction(crewEngine.view(forgetful, 0), 0, memory, ctxAt(T0, seed));
      expect([4, 7]).toContain(action?.seat);
    }
  });

  it('a crew bot calls its emergency meeting after a kill went unpunished, when it has a suspect', () => {
    const g = afterAKill();
    g.vote({ 0: 'skip', 1: 'skip', 3: 'skip', 4: 'skip', 5: 'skip', 6: 'skip', 7: 'skip' });
    expect(g.state.meetings.at(-1)).toMatchObject({ reason: 'body', ejected: null });
    // What seat 0 remembers of the first meeting: seats 4 and 7 voted against seat 2, since found dead.
    const memory = [{ round: 1, votes: { 4: 2, 7: 2, 3: 5 }, killed: [] }];
    expect(crewEngine.botAction(crewEngine.view(g.state, 0), 0, memory, ctxAt(T0))).toEqual({ type: 'meeting' });
    expect(crewEngine.botAction(crewEngine.view(g.state, 0), 0, [], ctxAt(T0))).toEqual({ type: 'task' });
    // Seat 6 used its button already: it works instead.
    expect(crewEngine.botAction(crewEngine.view(g.state, 6), 6, memory, ctxAt(T0))).toEqual({ type: 'task' });
  });

  it('an impostor votes with the crowd: for the crew seat most voted against, else it skips', () => {
    const g = game(8, 3);
    g.act({ type: 'meeting' }, 6);
    expect(crewEngine.botAction(crewEngine.view(g.state, 4), 4, [], ctxAt(T0))).toEqual({ type: 'skip' });
    g.vote({ 0: 3, 1: 3, 2: 3, 3: 5, 4: 'skip', 5: 'skip', 6: 'skip', 7: 'skip' });
    g.act({ type: 'meeting' }, 0);
    expect(crewEngine.botAction(crewEngine.view(g.state, 4), 4, [], ctxAt(T0))).toEqual({ type: 'vote', seat: 3 });
  });
});
