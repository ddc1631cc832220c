/**
 * Villa's rules, as GAMES.md section 4 gives them, with the choices taken where it is silent (also in
 * docs/protocol-rooms.md and docs/games.md):
 * - Every phase, the pairing and recouple included, waits for one choice from each seat still in the
 *   villa; a seat that misses the deadline gets the lowest seat it could have named (not itself, not an
 *   eliminated seat, not the immune seat in the twist and the elimination). The one exception: an
 *   elimination in which nobody voted at all sends the vulnerable seat home, as GAMES.md says.
 * - Every vote goes to the most named seat, ties to the lowest seat (challenge, twist, elimination).
 * - Couples: first every mutual choice, then in seat order each single seat whose choice is single too.
 *   The immune seat may be chosen as a partner and voted for in the challenge. Couples are re-formed at
 *   every pairing and recouple; a couple breaks when it is not formed again or a partner is eliminated.
 * - The immune and vulnerable seats are for one round; the next pairing clears both.
 * - The game ends when two or fewer seats remain (both win as the final couple, whether or not they are
 *   coupled), else after `rounds` rounds, when the remaining seat with the most challenge votes over the
 *   game wins alone as the viewers' favourite (ties to the lowest seat). Challenge votes are the scores.
 * - Eliminated seats never act (DEAD_SEAT) and see only what everyone sees.
 * - Chat: the room channel is written by every seat and read by spectators for the whole game; each couple
 *   has a channel `couple-<a>-<b>` while it is a couple.
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
import { roomDeadlines } from '../../../src/games/domain/room/room.rules';
import { villaEngine, parseVillaOptions } from '../../../src/games/domain/villa/villa.engine';
import { formCouples, VILLA_MOVE } from '../../../src/games/domain/villa/villa.rules';
import type { VillaOptions, VillaRoundPhase, VillaState, VillaView } from '../../../src/games/domain/villa/villa.types';
import { villaChannels } from '../../../src/games/domain/villa/villa.view';
import {
  canSee,
  contextAt,
  fireDeadline,
  gameRoom,
  mustApply,
  playWithBots,
  seatsOf,
} from '../../support/engine-harness';

const T0 = 1_000_000;
const anyVilla = villaEngine as unknown as GameEngine<unknown, object>;
const fast: VillaOptions = {
  ...villaEngine.defaultOptions,
  pairingMs: 70,
  challengeMs: 70,
  twistMs: 60,
  recoupleMs: 70,
  eliminationMs: 70,
};

function game(seatCount: number, options: VillaOptions = fast, seed = 1) {
  const random = seededRandom(seed);
  const started = villaEngine.start(seatsOf(seatCount), options, contextAt(random, T0));
  let state = started.state;
  const log: GameEvent[] = [...started.events];
  return {
    random,
    started,
    log,
    get state(): VillaState {
      return state;
    },
    act(action: GameAction, actor: Actor): Transition<VillaState> {
      const done = mustApply(villaEngine, state, action, actor, contextAt(random, T0));
      state = done.state;
      log.push(...done.events);
      return done;
    },
    attempt(action: GameAction, actor: Actor) {
      return playMove(villaEngine, state, action, actor, contextAt(random, T0));
    },
    timeout(): Transition<VillaState> {
      const done = fireDeadline(villaEngine, state, random);
      state = done.state;
      log.push(...done.events);
      return done;
    },
    /** Each listed seat names its seat with the current phase's move. */
    choose(choices: Record<number, number>): void {
      const type = VILLA_MOVE[state.phase as VillaRoundPhase];
      for (const [seat, target] of Object.entries(choices)) this.act({ type, seat: target }, Number(seat));
    },
  };
}

const codeOf = (outcome: unknown): string | undefined => (isRejection(outcome) ? outcome.code : undefined);
const viewOf = (state: VillaState, viewer: number | 'spectator' | 'host') =>
  villaEngine.view(state, viewer) as VillaView;
const resolvedIn = (events: GameEvent[]) => events.filter((event) => event.type === 'phase_resolved');

describe('villa: complete games with fixed seeds', () => {
  it('four seats: a tie eliminated by the lowest seat, then the vulnerable seat when nobody voted; the final couple wins', () => {
    const g = game(4);
    expect(g.state).toMatchObject({ phase: 'pairing', round: 1, alive: [0, 1, 2, 3], couples: [] });
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2 });
    expect(g.state).toMatchObject({
      phase: 'challenge',
      couples: [
        [0, 1],
        [2, 3],
      ],
    });
    g.choose({ 0: 1, 1: 2, 2: 1, 3: 1 });
    expect(g.state).toMatchObject({ phase: 'twist', immune: 1, favour: { 0: 0, 1: 3, 2: 1, 3: 0 } });
    g.choose({ 0: 2, 1: 2, 2: 0, 3: 0 });
    expect(g.state).toMatchObject({ phase: 'recouple', vulnerable: 0 });
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2 });
    g.choose({ 0: 3, 1: 3, 2: 0, 3: 0 });
    // A 2-2 tie between seats 0 and 3: the lowest seat leaves, and its couple breaks.
    expect(g.state).toMatchObject({
      phase: 'pairing',
      round: 2,
      alive: [1, 2, 3],
      couples: [[2, 3]],
      immune: null,
      vulnerable: null,
      eliminated: [{ round: 1, seat: 0, by: 'votes' }],
    });
    g.choose({ 1: 2, 2: 3, 3: 2 });
    expect(g.state.couples).toEqual([[2, 3]]);
    // Nobody votes in the challenge: each vote is filled with the lowest seat its voter could name.
    const challenge = g.timeout();
    expect(resolvedIn(challenge.events)[0].payload).toMatchObject({
      phase: 'challenge',
      choices: { 1: 2, 2: 1, 3: 1 },
      filled: [1, 2, 3],
      seat: 1,
    });
    g.choose({ 1: 3, 2: 3, 3: 2 });
    expect(g.state.vulnerable).toBe(3);
    g.choose({ 1: 2, 2: 1, 3: 2 });
    expect(g.state.couples).toEqual([[1, 2]]);
    // Nobody votes in the elimination: the vulnerable seat goes, and two seats remain.
    const last = g.timeout();
    expect(resolvedIn(last.events)[0].payload).toMatchObject({ phase: 'elimination', seat: 3, by: 'vulnerable' });
    expect(g.state).toMatchObject({
      phase: 'finished',
      round: 2,
      alive: [1, 2],
      winners: [1, 2],
      finishReason: 'final_couple',
      deadline: null,
    });
    expect(villaEngine.result(g.state)).toEqual({
      winners: [1, 2],
      scores: { 0: 0, 1: 5, 2: 2, 3: 0 },
      summary: 'Seat 1 and Seat 2 won as the final couple in round 2',
    });
    expect(g.log.at(-1)).toMatchObject({
      type: 'villa_finished',
      payload: { reason: 'final_couple', winners: [1, 2] },
    });
  });

  it('six seats left to their deadlines: every choice filled, and after round 3 the viewers favourite wins', () => {
    const g = game(6);
    const rounds: Array<{ immune: number | null; vulnerable: number | null; couples: number[][] }> = [];
    while (g.state.phase !== 'finished') {
      if (g.state.phase === 'elimination') {
        rounds.push({ immune: g.state.immune, vulnerable: g.state.vulnerable, couples: g.state.couples });
      }
      g.timeout();
    }
    // Worked by hand: seat 0 is everyone's lowest valid seat, so it wins every challenge; the twist is filled
    // with the lowest non-immune seat, who is then voted by nobody and leaves as the vulnerable seat.
    expect(rounds).toEqual([
      { immune: 0, vulnerable: 1, couples: [[0, 1]] },
      { immune: 0, vulnerable: 2, couples: [[0, 2]] },
      { immune: 0, vulnerable: 3, couples: [[0, 3]] },
    ]);
    expect(g.state).toMatchObject({
      round: 3,
      alive: [0, 4, 5],
      winners: [0],
      finishReason: 'viewers_favourite',
      eliminated: [
        { round: 1, seat: 1, by: 'vulnerable' },
        { round: 2, seat: 2, by: 'vulnerable' },
        { round: 3, seat: 3, by: 'vulnerable' },
      ],
    });
    expect(g.state.favour).toEqual({ 0: 12, 1: 1, 2: 1, 3: 1, 4: 0, 5: 0 });
    expect(villaEngine.result(g.state)?.summary).toBe("Seat 0 won as the viewers' favourite with 12 challenge votes");
  });

  it('the viewers favourite is the remaining seat with the most challenge votes, an eliminated favourite aside', () => {
    const g = game(6, { ...fast, rounds: 2 });
    g.timeout();
    g.choose({ 0: 2, 1: 2, 3: 2, 4: 2, 5: 2, 2: 0 });
    expect(g.state).toMatchObject({ immune: 2, favour: { 0: 1, 2: 5 } });
    g.timeout();
    g.timeout();
    g.timeout();
    expect(g.state).toMatchObject({ round: 2, alive: [1, 2, 3, 4, 5] });
    g.timeout();
    g.choose({ 1: 3, 2: 3, 3: 4, 4: 3, 5: 3 });
    g.timeout();
    g.timeout();
    // Seat 2, the game's favourite so far, is voted out in the last round: the favourite is among those left.
    g.choose({ 1: 2, 3: 2, 4: 2, 5: 2, 2: 1 });
    expect(g.state).toMatchObject({
      phase: 'finished',
      alive: [1, 3, 4, 5],
      favour: { 0: 1, 1: 0, 2: 5, 3: 4, 4: 1, 5: 0 },
      winners: [3],
      finishReason: 'viewers_favourite',
    });
  });

  it('a ten-seat game of bots plays to a valid finish', () => {
    const played = playWithBots(
      villaEngine,
      seatsOf(10, () => ({ kind: 'bot' })),
      fast,
      { seed: 5, maxSteps: 200 },
    );
    expect(played.final.phase).toBe('finished');
    expect(played.final.finishReason).toBe('viewers_favourite');
    expect(played.final.alive).toHaveLength(7);
    expect(villaEngine.result(played.final)?.winners).toHaveLength(1);
  });

  it('with enough rounds, every game reaches the final couple', () => {
    const played = playWithBots(
      villaEngine,
      seatsOf(7, () => ({ kind: 'bot' })),
      { ...fast, rounds: 8 },
      {
        seed: 11,
        maxSteps: 200,
      },
    );
    expect(played.final).toMatchObject({ phase: 'finished', round: 5, finishReason: 'final_couple' });
    expect(played.final.winners).toEqual(played.final.alive);
    expect(played.final.alive).toHaveLength(2);
  });
});

describe('villa: coupling and the fill, worked by hand', () => {
  it('mutual choices couple first, then each single seat in seat order takes its single choice', () => {
    // 1 and 2 chose each other; greedily 0 would have taken 1 first.
    expect(formCouples({ 0: 1, 1: 2, 2: 1, 3: 0, 4: 3, 5: 0 }, [0, 1, 2, 3, 4, 5])).toEqual([
      [0, 3],
      [1, 2],
    ]);
    // No mutual choice: seat order decides; 1 chose a taken seat and stays single until 3 chooses it.
    expect(formCouples({ 0: 2, 1: 2, 2: 3, 3: 1 }, [0, 1, 2, 3])).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // Two mutual pairs and one chooser of a taken seat.
    expect(formCouples({ 0: 4, 4: 0, 1: 3, 3: 1, 2: 4 }, [0, 1, 2, 3, 4])).toEqual([
      [0, 4],
      [1, 3],
    ]);
  });

  it('through the game: the couples formed are published with every choice once the pairing resolves', () => {
    const g = game(6);
    g.choose({ 0: 1, 1: 2, 2: 1, 3: 0, 4: 3 });
    expect(g.state.phase).toBe('pairing');
    const done = g.act({ type: 'pair', seat: 0 }, 5);
    expect(resolvedIn(done.events)[0].payload).toEqual({
      round: 1,
      phase: 'pairing',
      choices: { 0: 1, 1: 2, 2: 1, 3: 0, 4: 3, 5: 0 },
      filled: [],
      couples: [
        [0, 3],
        [1, 2],
      ],
      tally: { 0: 2, 1: 2, 2: 1, 3: 1 },
    });
    expect(viewOf(g.state, 4).seats.map((seat) => seat.partner)).toEqual([3, 2, 1, 0, null, null]);
  });

  it('a missing vote is the lowest valid seat: never the voter, the eliminated or the immune seat', () => {
    const g = game(5);
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2, 4: 0 });
    g.choose({ 0: 1, 1: 2, 2: 1, 3: 1, 4: 1 });
    expect(g.state.immune).toBe(1);
    // Twist: seat 0 names 3; at the deadline seat 1 gets 0, seat 0 would get 2 (not itself, not immune 1).
    g.choose({ 0: 3, 3: 4 });
    const twist = g.timeout();
    expect(resolvedIn(twist.events)[0].payload).toMatchObject({
      choices: { 0: 3, 1: 0, 2: 0, 3: 4, 4: 0 },
      filled: [1, 2, 4],
      seat: 0,
    });
    g.timeout();
    // Elimination with one vote: the others are filled (seat 0 -> 2, the rest -> 0), and seat 0 leaves.
    g.choose({ 2: 3 });
    const out = g.timeout();
    expect(resolvedIn(out.events)[0].payload).toMatchObject({
      choices: { 0: 2, 1: 0, 2: 3, 3: 0, 4: 0 },
      filled: [0, 1, 3, 4],
      seat: 0,
      by: 'votes',
    });
    // Round 2: seat 0 is gone, so the lowest valid seat for seat 1 is now 2.
    const pairing = g.timeout();
    expect(resolvedIn(pairing.events)[0].payload).toMatchObject({ choices: { 1: 2, 2: 1, 3: 1, 4: 1 } });
  });
});

describe('villa: rejections carry their code', () => {
  it('ALREADY_ACTED for a second choice in any phase', () => {
    const g = game(4);
    g.choose({ 0: 1 });
    expect(codeOf(g.attempt({ type: 'pair', seat: 2 }, 0))).toBe('ALREADY_ACTED');
    g.choose({ 1: 0, 2: 3, 3: 2 });
    g.choose({ 3: 1 });
    expect(codeOf(g.attempt({ type: 'challenge', seat: 1 }, 3))).toBe('ALREADY_ACTED');
  });

  it('SELF_TARGET for naming yourself, in every phase', () => {
    const g = game(4);
    for (const phase of ['pairing', 'challenge', 'twist', 'recouple', 'elimination'] as const) {
      expect(g.state.phase).toBe(phase);
      expect(codeOf(g.attempt({ type: VILLA_MOVE[phase], seat: 2 }, 2))).toBe('SELF_TARGET');
      g.timeout();
    }
  });

  it('IMMUNE_TARGET for the challenge winner in the twist and the elimination, not in the recouple', () => {
    const g = game(4);
    g.timeout();
    g.choose({ 0: 3, 1: 3, 2: 3, 3: 0 });
    expect(g.state.immune).toBe(3);
    expect(codeOf(g.attempt({ type: 'twist', seat: 3 }, 0))).toBe('IMMUNE_TARGET');
    g.timeout();
    expect(g.attempt({ type: 'recouple', seat: 3 }, 0).ok).toBe(true);
    g.timeout();
    expect(codeOf(g.attempt({ type: 'eliminate', seat: 3 }, 1))).toBe('IMMUNE_TARGET');
  });

  it('INVALID_TARGET for an eliminated seat or one that does not exist', () => {
    const g = game(5);
    expect(codeOf(g.attempt({ type: 'pair', seat: 5 }, 0))).toBe('INVALID_TARGET');
    for (let phase = 0; phase < 5; phase += 1) g.timeout();
    expect(g.state.alive).not.toContain(1);
    expect(codeOf(g.attempt({ type: 'pair', seat: 1 }, 0))).toBe('INVALID_TARGET');
  });

  it('DEAD_SEAT for every action of an eliminated seat', () => {
    const g = game(5);
    for (let phase = 0; phase < 5; phase += 1) g.timeout();
    expect(g.state.eliminated.map((out) => out.seat)).toEqual([1]);
    expect(codeOf(g.attempt({ type: 'pair', seat: 0 }, 1))).toBe('DEAD_SEAT');
    expect(codeOf(g.attempt({ type: 'challenge', seat: 0 }, 1))).toBe('DEAD_SEAT');
  });

  it('WRONG_PHASE for another phase move, GAME_NOT_ACTIVE once over, NOT_YOUR_TURN for a seat not in the game', () => {
    const g = game(4);
    expect(codeOf(g.attempt({ type: 'eliminate', seat: 1 }, 0))).toBe('WRONG_PHASE');
    expect(codeOf(g.attempt({ type: 'pair', seat: 1 }, 9))).toBe('NOT_YOUR_TURN');
    while (g.state.phase !== 'finished') g.timeout();
    expect(codeOf(g.attempt({ type: 'pair', seat: 1 }, 0))).toBe('GAME_NOT_ACTIVE');
  });

  it('INVALID_ACTION for unknown or malformed actions and actions by the system; STALE_DEADLINE for an old deadline', () => {
    const g = game(4);
    expect(codeOf(g.attempt({ type: 'kiss', seat: 1 }, 0))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'pair' }, 0))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'pair', seat: -1 }, 0))).toBe('INVALID_ACTION');
    expect(codeOf(g.attempt({ type: 'pair', seat: 1 }, 'system'))).toBe('INVALID_ACTION');
    const first = g.state.deadline!;
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: first.id }, 0))).toBe('INVALID_ACTION');
    g.timeout();
    expect(codeOf(g.attempt({ type: 'timeout', deadlineId: first.id }, 'system'))).toBe('STALE_DEADLINE');
  });

  it('INVALID_OPTIONS for unknown keys and values out of range; HOST_ONLY for a reset by a seat', () => {
    expect(parseVillaOptions(undefined)).toEqual({
      pairingMs: 7_000,
      challengeMs: 7_000,
      twistMs: 6_000,
      recoupleMs: 7_000,
      eliminationMs: 7_000,
      rounds: 3,
    });
    expect(parseVillaOptions({ rounds: 8, twistMs: 100 })).toMatchObject({ rounds: 8, twistMs: 100, pairingMs: 7_000 });
    for (const bad of [{ rounds: 0 }, { rounds: 9 }, { pairingMs: 0 }, { eliminationMs: 1.5 }, { twistMs: '6000' }])
      expect(codeOf(parseVillaOptions(bad as unknown as Partial<VillaOptions>))).toBe('INVALID_OPTIONS');
    expect(codeOf(parseVillaOptions({ votingMs: 5 } as unknown as Partial<VillaOptions>))).toBe('INVALID_OPTIONS');
    expect(codeOf(gameRoom(anyVilla, 4, fast).run({ type: 'game.reset' }, 'user-1'))).toBe('HOST_ONLY');
  });
});

describe('villa: phases and deadlines', () => {
  it('runs the five phases in order on their own timers, each with a fresh deadline id', () => {
    const g = game(4);
    const seen: Array<[string, number]> = [];
    const ids = new Set<string>();
    let at = T0;
    for (let phase = 0; phase < 5; phase += 1) {
      const deadline = g.state.deadline!;
      seen.push([g.state.phase, deadline.at - at]);
      ids.add(deadline.id);
      at = deadline.at;
      g.timeout();
    }
    expect(seen).toEqual([
      ['pairing', 70],
      ['challenge', 70],
      ['twist', 60],
      ['recouple', 70],
      ['elimination', 70],
    ]);
    expect(ids.size).toBe(5);
    expect(g.state).toMatchObject({ phase: 'pairing', round: 2 });
  });

  it('waits for the living seats that have not acted, and ends a phase early when all have', () => {
    const g = game(5);
    expect(villaEngine.pendingSeats(g.state)).toEqual([0, 1, 2, 3, 4]);
    g.choose({ 3: 1, 0: 2 });
    expect(villaEngine.pendingSeats(g.state)).toEqual([1, 2, 4]);
    g.choose({ 1: 0, 2: 0, 4: 0 });
    expect(g.state.phase).toBe('challenge');
  });

  it('a reset returns to the lobby and cancels the pending deadline', () => {
    const room = gameRoom(anyVilla, 4, fast);
    const pending = villaEngine.deadline(room.state.game as VillaState)!;
    room.run({ type: 'game.reset' }, 'user-0');
    expect(room.state).toMatchObject({ phase: 'lobby', game: null });
    expect(roomDeadlines(room.state, room.engines)).toEqual([]);
    expect(codeOf(room.run({ type: 'game.timeout', deadlineId: pending.id }, null))).toBe('STALE_DEADLINE');
  });
});

describe('villa: what each viewer sees', () => {
  it('a choice is its author alone until the phase resolves; others see only that the seat acted', () => {
    const g = game(4);
    const made = g.act({ type: 'pair', seat: 2 }, 0);
    expect(made.events).toEqual([
      { type: 'choice_made', payload: { round: 1, phase: 'pairing', seat: 0 }, audience: 'all' },
    ]);
    expect(viewOf(g.state, 0).you).toMatchObject({ choice: 2, mustAct: false, targets: [] });
    for (const viewer of [1, 2, 'spectator', 'host'] as const) {
      const view = viewOf(g.state, viewer);
      expect(view.seats[0].acted).toBe(true);
      expect(view.lastResolved).toEqual({});
      expect(JSON.stringify(view)).not.toContain('"choice":2');
    }
    expect(viewOf(g.state, 1).you).toMatchObject({ choice: null, mustAct: true, targets: [0, 2, 3] });
    g.choose({ 1: 3, 2: 0, 3: 1 });
    expect(viewOf(g.state, 'spectator').lastResolved.pairing?.choices).toEqual({ 0: 2, 1: 3, 2: 0, 3: 1 });
  });

  it('an eliminated seat sees what a spectator sees, besides itself', () => {
    const g = game(5);
    for (let phase = 0; phase < 6; phase += 1) g.timeout();
    g.choose({ 0: 2 });
    const out = viewOf(g.state, 1);
    const spectator = viewOf(g.state, 'spectator');
    expect(out.you).toEqual({ seat: 1, alive: false, partner: null, choice: null, targets: [], mustAct: false });
    expect({ ...out, you: null }).toEqual(spectator);
  });

  it('no event before a phase resolves names a target to anyone', () => {
    const g = game(6);
    g.choose({ 0: 1, 1: 2, 2: 3 });
    g.timeout();
    g.choose({ 4: 5 });
    for (const event of g.log.filter((e) => e.type === 'choice_made')) {
      for (const viewer of [0, 1, 2, 3, 4, 5, 'spectator'] as const) {
        if (canSee(event, viewer)) expect(Object.keys(event.payload).sort()).toEqual(['phase', 'round', 'seat']);
      }
    }
  });
});

describe('villa: chat channels', () => {
  it('the room is open to every seat; each couple gets a channel that closes when the couple breaks', () => {
    const g = game(4);
    expect(villaChannels(g.state)).toEqual({ room: { members: 'all', write: 'members', spectators: 'read' } });
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2 });
    expect(villaEngine.channels!(g.state)).toEqual({
      room: { members: 'all', write: 'members', spectators: 'read' },
      'couple-0-1': { members: [0, 1], write: 'members', spectators: 'none' },
      'couple-2-3': { members: [2, 3], write: 'members', spectators: 'none' },
    });
    g.timeout();
    g.timeout();
    // The recouple splits both couples: 0 with 2, while 1 and 3 stay single.
    g.choose({ 0: 2, 2: 0, 1: 0, 3: 0 });
    expect(Object.keys(villaChannels(g.state)).sort()).toEqual(['couple-0-2', 'room']);
    // Seat 2 is voted out: its couple's channel closes.
    g.choose({ 0: 2, 1: 2, 3: 2, 2: 1 });
    expect(g.state.eliminated[0].seat).toBe(2);
    expect(Object.keys(villaChannels(g.state))).toEqual(['room']);
  });
});

describe('villa: the bot', () => {
  const ctx = (seed = 0) => contextAt(seededRandom(seed), T0);

  it('keeps a partner who chose it, and otherwise answers a seat that chose it', () => {
    const g = game(6);
    g.choose({ 0: 1, 1: 2, 2: 1, 3: 0, 4: 5, 5: 3 });
    expect(g.state.couples).toEqual([
      [0, 3],
      [1, 2],
      [4, 5],
    ]);
    g.timeout();
    g.timeout();
    for (let seed = 0; seed < 10; seed += 1) {
      // Seat 2's partner 1 chose it: kept.
      expect(villaEngine.botAction(villaEngine.view(g.state, 2), 2, [], ctx(seed))).toEqual({
        type: 'recouple',
        seat: 1,
      });
      // Seat 1's partner 2 chose it; seat 0 did too, but the partner is kept.
      expect(villaEngine.botAction(villaEngine.view(g.state, 1), 1, [], ctx(seed))?.seat).toBe(2);
      expect(villaEngine.botAction(villaEngine.view(g.state, 0), 0, [], ctx(seed))?.seat).toBe(3);
      // Seat 3's partner 0 did not choose it (it chose 1); seat 5 did: seat 3 courts seat 5.
      expect(villaEngine.botAction(villaEngine.view(g.state, 3), 3, [], ctx(seed))?.seat).toBe(5);
    }
  });

  it('backs its partner in the challenge', () => {
    const g = game(4);
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2 });
    for (let seed = 0; seed < 10; seed += 1)
      expect(villaEngine.botAction(villaEngine.view(g.state, 2), 2, [], ctx(seed))).toEqual({
        type: 'challenge',
        seat: 3,
      });
  });

  it('votes against the seat that voted against it, from the view and from memory', () => {
    const g = game(6);
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2, 4: 5, 5: 4 });
    g.choose({ 0: 1, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });
    expect(g.state.immune).toBe(0);
    g.choose({ 0: 2, 1: 4, 2: 4, 3: 4, 4: 5, 5: 2 });
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2, 4: 5, 5: 4 });
    expect(g.state.phase).toBe('elimination');
    for (let seed = 0; seed < 10; seed += 1) {
      // Seat 2 was named in the twist by seat 5 and by seat 0, who is immune: it votes 5 out.
      expect(villaEngine.botAction(villaEngine.view(g.state, 2), 2, [], ctx(seed))).toEqual({
        type: 'eliminate',
        seat: 5,
      });
    }
    const memory = villaEngine.botMemoryEntry!(villaEngine.view(g.state, 4), 4);
    expect(memory).toEqual({ round: 1, choseMe: [5], against: [1, 2, 3] });
    // A view that no longer shows the twist: the grudge comes from memory.
    const forgetful = villaEngine.view({ ...g.state, history: [] }, 4);
    for (let seed = 0; seed < 10; seed += 1) {
      expect([1, 2, 3]).toContain(villaEngine.botAction(forgetful, 4, [memory!], ctx(seed))?.seat);
    }
  });

  it('without a grudge it votes the vulnerable seat out; it does nothing when it has nothing to do', () => {
    const g = game(4);
    g.choose({ 0: 1, 1: 0, 2: 3, 3: 2 });
    g.choose({ 0: 1, 1: 0, 2: 1, 3: 1 });
    g.choose({ 0: 2, 1: 2, 2: 0, 3: 0 });
    g.timeout();
    expect(g.state).toMatchObject({ phase: 'elimination', vulnerable: 0, immune: 1 });
    // Seat 3 was voted against by nobody; seat 0 is the vulnerable seat.
    expect(villaEngine.botAction(villaEngine.view(g.state, 3), 3, [], ctx())).toEqual({ type: 'eliminate', seat: 0 });
    g.choose({ 3: 0 });
    expect(villaEngine.botAction(villaEngine.view(g.state, 3), 3, [], ctx())).toBeNull();
    expect(villaEngine.botAction(villaEngine.view(g.state, 'spectator'), 0, [], ctx())).toBeNull();
  });
});
