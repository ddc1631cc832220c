import fc from 'fast-check';
import {
  isRejection,
  type Actor,
  type GameAction,
  type GameEngine,
  type GameEvent,
  type Viewer,
} from '../../../src/games/domain/engine';
import { playMove } from '../../../src/games/domain/moves';
import { seededRandom } from '../../../src/games/domain/random';
import { applyRoomCommand, eventView, roomRandom, roomView } from '../../../src/games/domain/room/room.rules';
import type { RoomCommand, RoomState, StoredRoomEvent } from '../../../src/games/domain/room/room.types';
import { stateDelta } from '../../../src/games/domain/room/room.outcome';
import { villaEngine } from '../../../src/games/domain/villa/villa.engine';
import { isRoundPhase, validTargets, VILLA_MOVE } from '../../../src/games/domain/villa/villa.rules';
import type { VillaOptions, VillaRoundPhase, VillaState } from '../../../src/games/domain/villa/villa.types';
import { canSee, contextAt, playWithBots, seatsOf } from '../../support/engine-harness';

const T0 = 1_000_000;
const timers = { pairingMs: 70, challengeMs: 70, twistMs: 60, recoupleMs: 70, eliminationMs: 70 };

interface Move {
  actor: Actor;
  action: GameAction;
}

/** Every action the rules accept right now, and the pending deadline. */
function legalMoves(state: VillaState): Move[] {
  const moves: Move[] = [];
  if (isRoundPhase(state.phase)) {
    const type = VILLA_MOVE[state.phase];
    for (const seat of villaEngine.pendingSeats(state))
      for (const target of validTargets(state, seat)) moves.push({ actor: seat, action: { type, seat: target } });
  }
  if (state.deadline) moves.push({ actor: 'system', action: { type: 'timeout', deadlineId: state.deadline.id } });
  return moves;
}

const viewers = (state: VillaState): Viewer[] => [...state.seats.map((seat) => seat.seat), 'spectator', 'host'];

/** Fails with a message naming the leak; plain throws keep thousands of checks per run fast. */
function mustHold(holds: boolean, leak: string, viewer: Viewer): void {
  if (!holds) throw new Error(`${leak} reaches viewer ${viewer}`);
}

/** The same state with every other seat's pending choice pointed elsewhere: nobody may tell before it resolves. */
function redirectOthers(state: VillaState, viewer: Viewer): VillaState {
  const choices: Record<number, number> = {};
  for (const [chooser, chosen] of Object.entries(state.choices)) {
    const seat = Number(chooser);
    const others = validTargets(state, seat).filter((target) => target !== chosen);
    choices[seat] = seat === viewer || others.length === 0 ? chosen : others[0];
  }
  return { ...state, choices };
}

const viewText = (state: VillaState, viewer: Viewer) => JSON.stringify(villaEngine.view(state, viewer));

/** No view names another seat's unresolved choice: redirecting them all changes nothing anyone but the chooser sees. */
function expectViewsHideChoices(state: VillaState): void {
  if (!isRoundPhase(state.phase)) return;
  for (const viewer of viewers(state)) {
    mustHold(viewText(state, viewer) === viewText(redirectOthers(state, viewer), viewer), 'a pending choice', viewer);
  }
}

/**
 * A choice that does not end its phase must look the same to everyone but its author whatever seat it
 * named: the same move with another target gives them the same events and views.
 */
function expectChoiceUnseen(before: VillaState, move: Move, after: VillaState, events: GameEvent[]): void {
  const { actor, action } = move;
  if (actor === 'system' || after.phase !== before.phase || after.round !== before.round) return;
  const other = validTargets(before, actor).find((target) => target !== action.seat);
  if (other === undefined) return;
  const alternative = playMove(villaEngine, before, { ...action, seat: other }, actor, contextAt(seededRandom(0), T0));
  if (isRejection(alternative)) throw new Error(`legal choice of ${other} by ${actor} rejected: ${alternative.code}`);
  for (const viewer of viewers(before)) {
    if (viewer === actor) continue;
    const seen = (list: GameEvent[]) => JSON.stringify(list.filter((event) => canSee(event, viewer)));
    mustHold(seen(events) === seen(alternative.events), `whom seat ${actor} chose (events)`, viewer);
    mustHold(
      viewText(after, viewer) === viewText(alternative.state, viewer),
      `whom seat ${actor} chose (view)`,
      viewer,
    );
  }
}

/** An invariant that must hold; a plain throw, as thousands of states are checked per run. */
function invariant(holds: boolean, what: string, state: VillaState): void {
  if (!holds) throw new Error(`${what}: ${JSON.stringify(state)}`);
}

const sameSeats = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && [...a].sort((x, y) => x - y).every((seat, index) => seat === b[index]);

function expectInvariants(state: VillaState, seatCount: number, options: VillaOptions): void {
  const everyone = state.seats.map((seat) => seat.seat);
  const out = state.eliminated.map((elimination) => elimination.seat);
  invariant(sameSeats([...state.alive, ...out], everyone), 'every seat is in the villa or out, once', state);
  invariant(state.round <= options.rounds, 'no round past the last', state);
  const coupled = state.couples.flat();
  invariant(new Set(coupled).size === coupled.length, 'couples are disjoint', state);
  invariant(
    state.couples.every(([a, b]) => a < b && state.alive.includes(a) && state.alive.includes(b)),
    'couples are two living seats',
    state,
  );
  invariant(
    villaEngine.pendingSeats(state).every((seat) => state.alive.includes(seat)),
    'only the living are waited for',
    state,
  );
  invariant(
    Object.keys(state.choices).every((seat) => state.alive.includes(Number(seat))),
    'only the living have chosen',
    state,
  );
  invariant(state.immune === null || state.alive.includes(state.immune), 'the immune seat is never out', state);
  if (state.phase === 'finished') {
    invariant(villaEngine.deadline(state) === null, 'a finished game has no deadline', state);
    if (state.finishReason === 'final_couple') {
      invariant(state.alive.length <= 2 && sameSeats(state.winners, state.alive), 'the final couple wins', state);
    } else {
      const best = Math.max(...state.alive.map((seat) => state.favour[seat]));
      invariant(
        state.round === options.rounds &&
          state.winners.length === 1 &&
          state.winners[0] === state.alive.find((seat) => state.favour[seat] === best),
        "the viewers' favourite wins after the last round",
        state,
      );
    }
  } else {
    invariant(villaEngine.deadline(state) !== null, 'a phase in play has a deadline', state);
    invariant(state.alive.length > 2, 'more than two seats play on', state);
    // A phase in play always waits for someone: one where everyone acted has already ended.
    invariant(villaEngine.pendingSeats(state).length > 0, 'a phase where everyone acted ended', state);
    invariant(state.alive.length === seatCount - (state.round - 1), 'one seat leaves per round', state);
  }
}

describe('villa: properties', () => {
  it('random legal play with timeouts keeps every invariant, the eliminated never act, nothing leaks, and it ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.integer(),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { maxLength: 100 }),
        (seatCount, seed, rounds, picks) => {
          const options = { ...timers, rounds };
          const random = seededRandom(seed);
          let now = T0;
          let state = villaEngine.start(seatsOf(seatCount), options, contextAt(random, now)).state;
          expectViewsHideChoices(state);
          // After the picks run out only deadlines fire: five per round end any game.
          const bound = picks.length + 5 * rounds;
          for (let step = 0; step < bound && state.phase !== 'finished'; step += 1) {
            for (const out of state.eliminated) {
              const tried = playMove(
                villaEngine,
                state,
                { type: VILLA_MOVE[state.phase as VillaRoundPhase], seat: state.alive[0] },
                out.seat,
                contextAt(random, now),
              );
              invariant(isRejection(tried) && tried.code === 'DEAD_SEAT', `seat ${out.seat} acted while out`, state);
            }
            const moves = step < picks.length ? legalMoves(state) : legalMoves(state).slice(-1);
            const move = moves[(picks[step] ?? 0) % moves.length];
            if (move.action.type === 'timeout') now = state.deadline!.at;
            const outcome = playMove(villaEngine, state, move.action, move.actor, contextAt(random, now));
            if (isRejection(outcome)) throw new Error(`legal move ${JSON.stringify(move)} rejected: ${outcome.code}`);
            const after = JSON.parse(JSON.stringify(outcome.state)) as VillaState;
            expectChoiceUnseen(state, move, after, outcome.events);
            expectViewsHideChoices(after);
            // The last pending seat's choice ends the phase at once.
            if (move.actor !== 'system' && villaEngine.pendingSeats(state).length === 1)
              invariant(
                after.phase !== state.phase || after.round !== state.round,
                'the last choice ends a phase',
                state,
              );
            state = after;
            expectInvariants(state, seatCount, options);
          }
          expect(state.phase).toBe('finished');
        },
      ),
      { numRuns: 1200 },
    );
  });

  it("a replay shows nobody another seat's unresolved choice, nor who made it", () => {
    const engines = (gameId: string) =>
      gameId === 'villa' ? (villaEngine as unknown as GameEngine<unknown, object>) : undefined;
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 7 }),
        fc.integer(),
        fc.array(fc.nat(), { minLength: 10, maxLength: 80 }),
        (seatCount, seed, picks) => {
          let room: RoomState | null = null;
          let now = T0;
          const apply = (command: RoomCommand, userId: string | null) => {
            now += 1;
            const seq = (room?.seq ?? 0) + 1;
            const actor = userId === null ? ({ kind: 'system' } as const) : ({ kind: 'user', userId } as const);
            const outcome = applyRoomCommand(room, command, actor, { now, random: roomRandom(seed, seq) }, engines);
            if (!outcome.ok) throw new Error(`${command.type} refused: ${outcome.code}`);
            const actorSeat = room?.seats.find((seat) => seat.userId === userId)?.seat ?? null;
            const stored: StoredRoomEvent = {
              seq,
              rulesVersion: 1,
              type: command.type,
              actor: userId ?? 'system',
              actorSeat,
              command,
              events: outcome.events,
              result: outcome.result,
              actionId: null,
              fingerprint: null,
              at: now,
              outcome: stateDelta(room, outcome.state),
            };
            room = outcome.state;
            return stored;
          };
          const current = (): RoomState => {
            if (room === null) throw new Error('no room yet');
            return room;
          };
          const holder = (seat: number) => ({
            userId: `user-${seat}`,
            ownerId: `user-${seat}`,
            kind: 'human' as const,
            name: `Seat ${seat}`,
          });
          apply(
            {
              type: 'room.create',
              roomId: 'villa-room',
              gameId: 'villa',
              name: 'Villa',
              visibility: 'public',
              seed,
              settings: {
                seatCount,
                botFill: false,
                reconnectWindowMs: 1000,
                botDelayMs: 10,
                kickBanMs: 1000,
                game: timers,
              },
              host: holder(0),
            },
            'user-0',
          );
          for (let seat = 1; seat < seatCount; seat += 1)
            apply({ type: 'seat.take', holder: holder(seat) }, `user-${seat}`);
          apply({ type: 'game.start' }, 'user-0');
          const roomViewers: Viewer[] = [...Array.from({ length: seatCount }, (_, seat) => seat), 'spectator'];
          for (const pick of picks) {
            const state: RoomState = current();
            const game = state.game as VillaState;
            if (villaEngine.isOver(game)) break;
            const moves = legalMoves(game);
            const move = moves[pick % moves.length];
            if (move.actor === 'system') {
              apply({ type: 'game.timeout', deadlineId: game.deadline!.id }, null);
              continue;
            }
            const before: RoomState = state;
            const stored = apply({ type: 'game.act', action: move.action }, `user-${move.actor}`);
            if ((current().game as VillaState).phase !== game.phase) continue;
            // The same move naming another seat, from the same room: every other viewer's replay is identical.
            const other = validTargets(game, move.actor).find((target) => target !== move.action.seat);
            if (other === undefined) continue;
            room = before;
            now -= 1;
            const alternative = apply(
              { type: 'game.act', action: { ...move.action, seat: other } },
              `user-${move.actor}`,
            );
            const altRoom = current();
            room = before;
            now -= 1;
            apply({ type: 'game.act', action: move.action }, `user-${move.actor}`);
            for (const viewer of roomViewers) {
              if (viewer === move.actor) {
                mustHold(
                  JSON.stringify(eventView(stored, viewer).action) === JSON.stringify(move.action),
                  'its own action',
                  viewer,
                );
                continue;
              }
              const seen = eventView(stored, viewer);
              mustHold(seen.actorSeat === null && seen.action === undefined, 'the author of a move', viewer);
              mustHold(
                JSON.stringify(seen) === JSON.stringify(eventView(alternative, viewer)),
                'a pending choice (replay)',
                viewer,
              );
              mustHold(
                JSON.stringify(roomView(current(), villaEngine as never, viewer)) ===
                  JSON.stringify(roomView(altRoom, villaEngine as never, viewer)),
                'a pending choice (room view)',
                viewer,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bots-only games always finish, within five bot moves a seat a round, with legal bot actions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.integer(),
        fc.integer({ min: 1, max: 8 }),
        (seatCount, seed, rounds) => {
          const seats = seatsOf(seatCount, (seat) => ({ kind: 'bot', name: `Bot ${seat}` }));
          const options = { ...timers, rounds };
          const played = playWithBots(villaEngine, seats, options, { seed, maxSteps: rounds * 5 * seatCount });
          // Bots always act: no phase of a bots-only game waits for its deadline.
          expect(played.steps.every((step) => step.actor !== 'system')).toBe(true);
          expectInvariants(played.final, seatCount, options);
          expect(villaEngine.result(played.final)?.winners.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('games with some bots and idle seats finish through the deadlines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.integer(),
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        (seatCount, seed, isBot) => {
          const seats = seatsOf(seatCount);
          const botSeats = seats.map((seat) => seat.seat).filter((seat) => isBot[seat]);
          const played = playWithBots(
            villaEngine,
            seats,
            { ...timers, rounds: 3 },
            { seed, botSeats, maxSteps: 3 * 5 * (seatCount + 1) },
          );
          expect(villaEngine.isOver(played.final)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bot play spreads the wins: over many seeded games no single seat always wins', () => {
    const wins = new Map<number, number>();
    const reasons = new Set<string>();
    for (let seed = 0; seed < 200; seed += 1) {
      const seats = seatsOf(6, () => ({ kind: 'bot' }));
      const played = playWithBots(villaEngine, seats, { ...timers, rounds: 3 + (seed % 2) }, { seed, maxSteps: 200 });
      reasons.add(played.final.finishReason!);
      for (const seat of played.final.winners) wins.set(seat, (wins.get(seat) ?? 0) + 1);
    }
    expect(reasons).toEqual(new Set(['final_couple', 'viewers_favourite']));
    expect(wins.size).toBe(6);
  });
});
