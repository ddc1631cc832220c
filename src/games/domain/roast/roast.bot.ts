import type { BotMemory, GameAction, GameContext } from '../engine';
import type { RoastView } from './roast.types';

/** What a bot writes: `{name}` is the seat it mocks, `{theme}` the round's theme. */
const ROAST_TEMPLATES: readonly string[] = [
  'About your {theme}, {name}: even the autocorrect gave up on you.',
  '{name}, your {theme} is so bad it got a participation trophy and still lost.',
  'I asked for a roast about {theme}, and {name} walked in already burnt.',
  '{name} on {theme}: a tutorial on what not to do, in 4K.',
  'Your {theme}, {name}? Bold of you to call that a strategy.',
  'Scientists studied {name} and {theme}. They are still in therapy.',
  '{name}, your {theme} has the energy of a phone at 1 percent.',
  'If {theme} were a sport, {name} would be the warm-up act for the warm-up act.',
];

/** What a roast bot keeps of a round: who won it, to favour proven roasters later. */
export type RoastBotMemoryEntry = {
  round: number;
  winner: number | null;
};

function isRoastView(view: Record<string, unknown>): view is RoastView {
  return view.game === 'roast' && typeof view.phase === 'string' && Array.isArray(view.seats);
}

/** Writes a template roast aimed at the leader, then votes for the likeliest winner it may vote for. */
export function roastBotAction(
  view: Record<string, unknown>,
  seat: number,
  memory: BotMemory,
  ctx: GameContext,
): GameAction | null {
  if (!isRoastView(view) || view.you === null || view.you.seat !== seat) return null;
  const you = view.you;
  if (view.phase === 'round' && you.roast === null) return { type: 'roast', text: writeRoast(view, seat, ctx) };
  if (view.phase === 'voting' && you.votedFor === null && you.voteTargets.length > 0) {
    return { type: 'vote', seat: likeliestWinner(view, you.voteTargets, memory, ctx) };
  }
  return null;
}

export function roastBotMemoryEntry(view: Record<string, unknown>): RoastBotMemoryEntry | null {
  if (!isRoastView(view)) return null;
  const last = view.results.at(-1);
  return last ? { round: last.round, winner: last.winner } : null;
}

function writeRoast(view: RoastView, seat: number, ctx: GameContext): string {
  const others = view.seats.filter((other) => other.seat !== seat);
  const topScore = Math.max(...others.map((other) => other.score));
  const leaders = others.filter((other) => other.score === topScore);
  const target = leaders[ctx.random.int(leaders.length)];
  const template = ROAST_TEMPLATES[ctx.random.int(ROAST_TEMPLATES.length)];
  const text = template.replaceAll('{name}', target.name).replaceAll('{theme}', view.theme ?? 'everything');
  return [...text].slice(0, view.maxRoastLength).join('');
}

/** Recent round winners score highest, a fuller roast breaks the rest; equal candidates are drawn at random. */
function likeliestWinner(view: RoastView, candidates: number[], memory: BotMemory, ctx: GameContext): number {
  const recentWinners = new Map<number, number | null>();
  for (const entry of [...memory, ...view.results.slice(-3)]) {
    if (typeof entry.round === 'number') recentWinners.set(entry.round, typeof entry.winner === 'number' ? entry.winner : null);
  }
  const wins = [...recentWinners.values()];
  const score = (candidate: number): number => {
    const text = view.roasts.find((roast) => roast.seat === candidate)?.text ?? '';
    return 2 * wins.filter((winner) => winner === candidate).length + text.length / view.maxRoastLength;
  };
  const best = Math.max(...candidates.map(score));
  const favourites = candidates.filter((candidate) => score(candidate) === best);
  return favourites[ctx.random.int(favourites.length)];
}
