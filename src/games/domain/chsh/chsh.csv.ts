import { stringify } from 'csv-stringify/sync';
import { roundSucceeded } from './chsh.statistics';
import type { AnsweredRound } from './chsh.types';

export const CSV_COLUMNS = ['team', 'round', 'item1', 'item2', 'answer1', 'answer2', 'success', 'time'] as const;

/** One row per answered round (team, round, items, answers, success, time as ISO 8601), with a header. */
export function roundsCsv(rounds: readonly AnsweredRound[]): string {
  return stringify(
    rounds.map((round) => [
      round.team,
      round.round,
      round.items[0],
      round.items[1],
      round.answers[0],
      round.answers[1],
      roundSucceeded(round),
      new Date(round.at).toISOString(),
    ]),
    { header: true, columns: [...CSV_COLUMNS], cast: { boolean: (value) => (value ? 'true' : 'false') } },
  );
}
