import type { GameAction, SeatInfo } from '../../../src/games/domain/engine';
import { seededRandom } from '../../../src/games/domain/random';
import { roastEngine } from '../../../src/games/domain/roast/roast.engine';
import { roastScore } from '../../../src/games/domain/roast/roast.judge';
import type { RoastOptions, RoastState, RoastView } from '../../../src/games/domain/roast/roast.types';
import { contextAt, mustApply } from '../../support/engine-harness';

const options: RoastOptions = { ...roastEngine.defaultOptions, roundMs: 600, votingMs: 200, intermissionMs: 20 };

/** Seat 0 is a person called Ann; the other seats are bots named as the room names them ("Bot 2" at seat 1). */
function table(count: number, humanAtZero: boolean): SeatInfo[] {
  return Array.from({ length: count }, (_, seat) =>
    seat === 0 && humanAtZero
      ? { seat, userId: 'ann', ownerId: 'ann', kind: 'human' as const, name: 'Ann' }
      : { seat, userId: `bot:${seat}`, ownerId: `bot:${seat}`, kind: 'bot' as const, name: `Bot ${seat + 1}` },
  );
}

/** What the person writes: a short, sharp roast on the theme at a bot (shorter than the bots' own), or a shrug. */
const goodRoast = (view: RoastView) => `${view.seats[1].name}, your ${view.theme} is so sad that even robots cry. Why?`;
const lazyRoast = () => 'lol';

/**
 * Plays a battle as the runtime would: bots act from their own views (each with its own seeded draw, as
 * the bot driver gives them), the person at seat 0 writes `human` and votes for the first seat it may.
 */
function playBattle(seed: number, seats: SeatInfo[], human: ((view: RoastView) => string) | null) {
  const random = seededRandom(seed);
  let now = 1_000_000;
  let state: RoastState = roastEngine.start(seats, options, contextAt(random, now)).state;
  const botSeats = seats.filter((seat) => seat.kind === 'bot').map((seat) => seat.seat);
  let step = 0;
  while (!roastEngine.isOver(state)) {
    step += 1;
    if (step > 500) throw new Error('battle did not finish');
    let acted = false;
    for (const seat of roastEngine.pendingSeats(state)) {
      const view = roastEngine.view(state, seat) as RoastView;
      let action: GameAction | null;
      if (botSeats.includes(seat)) {
        action = roastEngine.botAction(
          view,
          seat,
          [],
          contextAt(seededRandom((seed ^ 0x5eed) + step * 64 + seat), now),
        );
      } else if (human && view.phase === 'round') {
        action = { type: 'roast', text: human(view) };
      } else {
        action = view.you && view.you.voteTargets.length > 0 ? { type: 'vote', seat: view.you.voteTargets[0] } : null;
      }
      if (!action) continue;
      state = mustApply(roastEngine, state, action, seat, contextAt(random, now)).state;
      acted = true;
      break;
    }
    if (!acted) {
      const deadline = roastEngine.deadline(state)!;
      now = deadline.at;
      state = mustApply(
        roastEngine,
        state,
        { type: 'timeout', deadlineId: deadline.id },
        'system',
        contextAt(random, now),
      ).state;
    }
  }
  return state;
}

const SEEDS = Array.from({ length: 40 }, (_, n) => 1000 + n * 7919);

describe('roast bots judge the roasts, not the roasters', () => {
  it('vote for the person whose roasts are good: they win most rounds, with most bot votes', () => {
    let rounds = 0;
    let wonByAnn = 0;
    let botVotes = 0;
    let botVotesForAnn = 0;
    for (const seed of SEEDS) {
      const final = playBattle(seed, table(4, true), goodRoast);
      for (const round of final.rounds) {
        rounds += 1;
        if (round.winner === 0) wonByAnn += 1;
        for (const [voter, target] of Object.entries(round.votes)) {
          if (Number(voter) === 0) continue;
          botVotes += 1;
          if (target === 0) botVotesForAnn += 1;
        }
      }
    }
    expect(rounds).toBe(SEEDS.length * options.rounds);
    expect(wonByAnn / rounds).toBeGreaterThan(0.9);
    expect(botVotesForAnn / botVotes).toBeGreaterThan(0.9);
  });

  it('do not vote for a shrug when a real roast is on offer', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const final = playBattle(seed, table(4, true), lazyRoast);
      for (const round of final.rounds) {
        expect(Object.entries(round.votes).filter(([voter, target]) => Number(voter) !== 0 && target === 0)).toEqual(
          [],
        );
      }
    }
  });

  it('in a battle of equal bots, no bot wins every round, and the wins spread over the seats', () => {
    const wins = new Map<number, number>();
    for (const seed of SEEDS) {
      const final = playBattle(seed, table(4, false), null);
      const winners = final.rounds.map((round) => round.winner);
      expect(new Set(winners).size).toBeGreaterThan(1);
      for (const winner of winners) if (winner !== null) wins.set(winner, (wins.get(winner) ?? 0) + 1);
    }
    const total = SEEDS.length * options.rounds;
    for (const seat of [0, 1, 2, 3]) {
      expect((wins.get(seat) ?? 0) / total).toBeGreaterThan(0.15);
      expect((wins.get(seat) ?? 0) / total).toBeLessThan(0.35);
    }
  });

  it('never vote for themselves, and judge a roast by its length, theme, target and wit', () => {
    const final = playBattle(SEEDS[0], table(4, false), null);
    for (const round of final.rounds)
      for (const [voter, target] of Object.entries(round.votes)) expect(target).not.toBe(Number(voter));
    const judging = { theme: 'cooking', names: ['Bot 2'] };
    const shrug = roastScore('lol', judging);
    const offTopic = roastScore('You are a person who exists in the world today.', judging);
    const aimed = roastScore('Bot 2, your cooking set off the smoke alarm in the next town.', judging);
    const witty = roastScore(
      'Bot 2, your cooking is so bad that even the smoke alarm cheers when you stop. Worse than takeout?',
      judging,
    );
    expect(shrug).toBeLessThan(offTopic);
    expect(offTopic).toBeLessThan(aimed);
    expect(aimed).toBeLessThan(witty);
    expect(roastScore('BOT 2 YOUR COOKING IS BAD BAD BAD', judging)).toBeLessThan(aimed);
  });

  it('results name the seats as the room shows them', () => {
    const final = playBattle(SEEDS[1], table(3, false), null);
    const result = roastEngine.result(final)!;
    const names = result.winners.map((seat) => `Bot ${seat + 1}`);
    expect(result.summary).toContain(names[0]);
    expect(result.summary).not.toMatch(/Seat \d/);
    const view = roastEngine.view(final, 'spectator') as RoastView;
    for (const winner of result.winners) expect(names).toContain(view.seats.find((seat) => seat.seat === winner)!.name);
  });
});
