import { parse } from 'csv-parse/sync';
import { drawItems, newAssignment, roundLimit } from '../../../src/games/domain/chsh/chsh.assignment';
import { roundsCsv } from '../../../src/games/domain/chsh/chsh.csv';
import { chshStatistics, sessionStatistics } from '../../../src/games/domain/chsh/chsh.statistics';
import type { AnsweredRound, ChshMode, ItemPair } from '../../../src/games/domain/chsh/chsh.types';
import { seededRandom } from '../../../src/games/domain/random';
import type { RandomSource } from '../../../src/games/domain/engine';

type Strategy = (items: ItemPair, random: RandomSource) => [boolean, boolean];

/** A team playing `rounds` balanced rounds with this strategy. */
function session(strategy: Strategy, rounds: number, seed = 1, mode: ChshMode = 'simplified', team = 't1') {
  const random = seededRandom(seed);
  let assignment = newAssignment(mode);
  const played: AnsweredRound[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const drawn = drawItems(assignment, random);
    assignment = drawn.state;
    played.push({
      team,
      round,
      items: drawn.items,
      answers: strategy(drawn.items, random),
      at: 1_764_000_000_000 + round,
    });
  }
  return played;
}

const alwaysTrue: Strategy = () => [true, true];
const alwaysOpposite: Strategy = () => [true, false];
const random: Strategy = (_items, source) => [source.next() < 0.5, source.next() < 0.5];
/** Answers with the quantum correlations: agreement with cos^2(pi/8), except sin^2(pi/8) on (B,Y); fair marginals. */
const quantum: Strategy = ([first, second], source) => {
  const agreeing = [first, second].sort().join('') === 'BY' ? Math.sin(Math.PI / 8) ** 2 : Math.cos(Math.PI / 8) ** 2;
  const answer = source.next() < 0.5;
  return [answer, source.next() < agreeing ? answer : !answer];
};

describe('CHSH statistics', () => {
  it('gives S = 2 and 75 % success when both partners always answer true', () => {
    const stats = chshStatistics(session(alwaysTrue, roundLimit('simplified')), 'simplified');
    expect(stats.s).toBe(2);
    expect(stats.sStandardError).toBe(0);
    expect(stats.successRate).toBe(0.75);
    expect(stats.correlations.map((pair) => [pair.items.join(''), pair.rounds, pair.correlation])).toEqual([
      ['AX', 5, 1],
      ['AY', 5, 1],
      ['BX', 5, 1],
      ['BY', 5, 1],
    ]);
    // Nobody ever answers false: no balance at all.
    expect(stats.balance).toEqual({ A: 0, B: 0, X: 0, Y: 0 });
  });

  it('gives S = -2 when the partners always answer opposite', () => {
    const stats = chshStatistics(session(alwaysOpposite, roundLimit('simplified')), 'simplified');
    expect(stats.s).toBe(-2);
    expect(stats.successRate).toBe(0.25);
  });

  it('finds S within three standard errors of 2 sqrt 2 and success near 85 % for quantum-correlated answers', () => {
    const rounds = 4000;
    const stats = chshStatistics(session(quantum, rounds, 11), 'simplified');
    expect(stats.sStandardError).toBeGreaterThan(0);
    expect(Math.abs(stats.s! - 2 * Math.SQRT2)).toBeLessThan(3 * stats.sStandardError!);
    const expected = Math.cos(Math.PI / 8) ** 2;
    expect(Math.abs(stats.successRate! - expected)).toBeLessThan(3 * Math.sqrt((expected * (1 - expected)) / rounds));
    expect(stats.successRate!).toBeGreaterThan(0.8);
    // Fair answers: every item's balance near 1.
    for (const balance of Object.values(stats.balance)) expect(balance!).toBeGreaterThan(0.9);
  });

  it('finds S near 0 for random answers', () => {
    const stats = chshStatistics(session(random, 4000, 5), 'simplified');
    expect(Math.abs(stats.s!)).toBeLessThan(3 * stats.sStandardError!);
    expect(Math.abs(stats.successRate! - 0.5)).toBeLessThan(0.05);
  });

  it('has no S, no error and no success rate for a team with no answered round, never NaN', () => {
    const stats = chshStatistics([], 'simplified');
    expect(stats).toEqual({
      rounds: 0,
      correlations: [],
      s: null,
      sStandardError: null,
      successRate: null,
      balance: { A: null, B: null, X: null, Y: null },
    });
    expect(JSON.stringify(stats)).not.toContain('NaN');
  });

  it('has no S until each of its four pairs came up', () => {
    const stats = chshStatistics(session(alwaysTrue, 3), 'simplified');
    expect(stats.s).toBeNull();
    expect(stats.successRate).not.toBeNull();
  });

  it('reads classic rounds without order for S, and pools teams over the session', () => {
    const mine = session(quantum, 2000, 3, 'classic', 'red');
    const theirs = session(alwaysTrue, 48, 4, 'classic', 'blue');
    const report = sessionStatistics([...mine, ...theirs], 'classic', ['red', 'blue', 'idle']);
    expect(report.teams.blue.s).toBe(2);
    expect(report.teams.idle.s).toBeNull();
    expect(report.pooled.rounds).toBe(2048);
    expect(report.pooled.correlations.some((pair) => pair.items.join('') === 'XA')).toBe(false);
    expect(Math.abs(report.teams.red.s! - 2 * Math.SQRT2)).toBeLessThan(3 * report.teams.red.sStandardError!);
  });

  it('writes one CSV row per answered round that parses back to the same statistics', () => {
    const rounds = [
      ...session(quantum, 300, 8, 'simplified', 'Team, "one"'),
      ...session(random, 200, 9, 'simplified', 'b'),
    ];
    const csv = roundsCsv(rounds);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(500);
    expect(Object.keys(rows[0])).toEqual(['team', 'round', 'item1', 'item2', 'answer1', 'answer2', 'success', 'time']);
    const back: AnsweredRound[] = rows.map((row) => ({
      team: row.team,
      round: Number(row.round),
      items: [row.item1, row.item2] as unknown as ItemPair,
      answers: [row.answer1 === 'true', row.answer2 === 'true'],
      at: Date.parse(row.time),
    }));
    expect(back).toEqual(rounds);
    expect(sessionStatistics(back, 'simplified', ['Team, "one"', 'b'])).toEqual(
      sessionStatistics(rounds, 'simplified', ['Team, "one"', 'b']),
    );
  });
});
