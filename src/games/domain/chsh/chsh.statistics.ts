import { itemPairs } from './chsh.assignment';
import {
  CHSH_ITEMS,
  type AnsweredRound,
  type ChshItem,
  type ChshMode,
  type ChshStatistics,
  type ItemPair,
} from './chsh.types';

/**
 * CHSH statistics as plain functions over answered rounds (both partners answered). Item pairs are read
 * without order for S and success ((X, A) counts as (A, X)): whether two answers agree does not depend on
 * who gave which.
 */

const key = (items: ItemPair) => [...items].sort().join('');

/** The four pairs of S, with their signs: E(A,X) + E(A,Y) + E(B,X) - E(B,Y). */
const S_TERMS: ReadonlyArray<readonly [string, 1 | -1]> = [
  ['AX', 1],
  ['AY', 1],
  ['BX', 1],
  ['BY', -1],
];

const agree = (round: AnsweredRound) => round.answers[0] === round.answers[1];

/** A round is won when the answers differ for (B,Y) and agree for every other pair. */
export const roundSucceeded = (round: AnsweredRound): boolean =>
  key(round.items) === 'BY' ? !agree(round) : agree(round);

export function chshStatistics(rounds: readonly AnsweredRound[], mode: ChshMode): ChshStatistics {
  const byPair = new Map<string, { agree: number; total: number }>();
  const answers = new Map<ChshItem, { yes: number; total: number }>();
  for (const round of rounds) {
    const pair = byPair.get(key(round.items)) ?? { agree: 0, total: 0 };
    pair.total += 1;
    if (agree(round)) pair.agree += 1;
    byPair.set(key(round.items), pair);
    round.items.forEach((item, slot) => {
      const tally = answers.get(item) ?? { yes: 0, total: 0 };
      tally.total += 1;
      if (round.answers[slot]) tally.yes += 1;
      answers.set(item, tally);
    });
  }
  const correlation = (pairKey: string) => {
    const pair = byPair.get(pairKey);
    return pair && pair.total > 0 ? { n: pair.total, e: (2 * pair.agree - pair.total) / pair.total } : null;
  };

  const seen = new Set<string>();
  const correlations = itemPairs(mode).flatMap((items) => {
    const pairKey = key(items);
    const found = correlation(pairKey);
    if (!found || seen.has(pairKey)) return [];
    seen.add(pairKey);
    return [{ items, rounds: found.n, correlation: found.e }];
  });

  const terms = S_TERMS.map(([pairKey, sign]) => ({ sign, found: correlation(pairKey) }));
  const complete = terms.every((term) => term.found !== null);
  const s = complete ? terms.reduce((sum, term) => sum + term.sign * term.found!.e, 0) : null;
  const sStandardError = complete
    ? Math.sqrt(terms.reduce((sum, term) => sum + (1 - term.found!.e ** 2) / term.found!.n, 0))
    : null;

  const balance = Object.fromEntries(
    CHSH_ITEMS.map((item) => {
      const tally = answers.get(item);
      return [item, tally ? 1 - Math.abs((2 * tally.yes) / tally.total - 1) : null];
    }),
  ) as Record<ChshItem, number | null>;

  return {
    rounds: rounds.length,
    correlations,
    s,
    sStandardError,
    successRate: rounds.length === 0 ? null : rounds.filter(roundSucceeded).length / rounds.length,
    balance,
  };
}

/** Per team and pooled over the session: the dashboard's and the REST report's figures. */
export function sessionStatistics(
  rounds: readonly AnsweredRound[],
  mode: ChshMode,
  teams: readonly string[],
): { teams: Record<string, ChshStatistics>; pooled: ChshStatistics } {
  return {
    teams: Object.fromEntries(
      teams.map((team) => [
        team,
        chshStatistics(
          rounds.filter((round) => round.team === team),
          mode,
        ),
      ]),
    ),
    pooled: chshStatistics(rounds, mode),
  };
}
