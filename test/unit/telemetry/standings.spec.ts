import { ordinal, rate, rating } from 'openskill';
import { mafiaMatchReport } from '../../../src/games/domain/mafia/mafia.engine';
import type { MafiaState } from '../../../src/games/domain/mafia/mafia.types';
import { periodStart, rateMatch, recordMatch } from '../../../src/telemetry/domain/standings';

describe('telemetry standings', () => {
  it('puts an instant in its UTC month and ISO week (weeks start on Monday)', () => {
    const thursday = Date.parse('2026-12-03T23:59:59Z');
    expect(periodStart('all', thursday)).toBe('1970-01-01');
    expect(periodStart('month', thursday)).toBe('2026-12-01');
    expect(periodStart('week', thursday)).toBe('2026-11-30');
    expect(periodStart('week', Date.parse('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(periodStart('week', Date.parse('2026-11-29T23:59:59Z'))).toBe('2026-11-23'); // a Sunday
  });

  it('rates a team as one side, leaves a one-sided match alone, and throws bots’ new ratings away', () => {
    const start = () => rating();
    const teams = rateMatch(
      [
        { userId: 'a', team: 'town', win: true },
        { userId: 'b', team: 'town', win: true },
        { userId: null, team: 'mafia', win: false },
      ],
      start,
    );
    const [town, mafia] = rate([[rating(), rating()], [rating()]], { rank: [1, 2] });
    expect(teams).toEqual(
      new Map([
        ['a', town[0]],
        ['b', town[1]],
      ]),
    );
    expect(mafia[0].mu).toBeLessThan(25);
    expect(
      rateMatch(
        [
          { userId: 'a', team: 'town', win: true },
          { userId: 'b', team: 'town', win: true },
        ],
        start,
      ).size,
    ).toBe(0);
    // Free-for-all: every loser shares second place.
    const ffa = rateMatch(
      [
        { userId: 'w', team: null, win: true },
        { userId: 'x', team: null, win: false },
        { userId: 'y', team: null, win: false },
      ],
      start,
    );
    expect(ordinal(ffa.get('w')!)).toBeGreaterThan(0);
    expect(ffa.get('x')).toEqual(ffa.get('y'));
    expect(ordinal(ffa.get('x')!)).toBeLessThan(0);
  });

  it('keeps the current and best streaks and sums the game’s figures', () => {
    let standing = null;
    for (const [win, rounds] of [
      [true, 2],
      [true, 3],
      [false, 1],
      [true, 2],
    ] as const)
      standing = recordMatch(standing, win, { roundsWon: rounds }, rating(), 1);
    expect(standing).toMatchObject({
      played: 4,
      won: 3,
      lost: 1,
      currentStreak: 1,
      bestStreak: 2,
      figures: { roundsWon: 8 },
    });
  });

  it("reports Mafia's roles and the nights each seat lived through", () => {
    const state = {
      seats: [0, 1, 2, 3].map((seat) => ({ seat })),
      roles: { 0: 'mafia', 1: 'town', 2: 'town', 3: 'town' },
      nights: [{ day: 1 }, { day: 2 }],
      // Seat 1 killed in night 1; seat 2 survived night 1, executed on day 1; seat 3 lived to the end.
      deaths: [
        { day: 1, seat: 1, cause: 'killed' },
        { day: 1, seat: 2, cause: 'executed' },
      ],
    } as unknown as MafiaState;
    expect(mafiaMatchReport(state)).toEqual({
      0: { role: 'mafia', team: 'mafia', figures: { nightsSurvived: 2, survived: 1 } },
      1: { role: 'town', team: 'town', figures: { nightsSurvived: 0, survived: 0 } },
      2: { role: 'town', team: 'town', figures: { nightsSurvived: 1, survived: 0 } },
      3: { role: 'town', team: 'town', figures: { nightsSurvived: 2, survived: 1 } },
    });
  });
});
