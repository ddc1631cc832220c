import type { BotMemory, GameAction, GameContext } from '../engine';
import { roastScore } from './roast.judge';
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

/** What a roast bot keeps of a round: who won it (for a plugged-in brain; the built-in judge ignores it). */
export type RoastBotMemoryEntry = {
  round: number;
  winner: number | null;
};

/** A bot's taste varies a little from vote to vote (seeded), less than one step of the judge's score. */
const JUDGE_VARIETY = 0.75;

function isRoastView(view: Record<string, unknown>): view is RoastView {
  return view.game === 'roast' && typeof view.phase === 'string' && Array.isArray(view.seats);
}

/**
 * Writes a template roast aimed at the leader, then votes for the roast it judges best among those it may
 * vote for (never its own), whoever wrote it: see roastScore. Memory plays no part in the judging.
 */
export function roastBotAction(
  view: Record<string, unknown>,
  seat: number,
  _memory: BotMemory,
  ctx: GameContext,
): GameAction | null {
  if (!isRoastView(view) || view.you === null || view.you.seat !== seat) return null;
  const you = view.you;
  if (view.phase === 'round' && you.roast === null) return { type: 'roast', text: writeRoast(view, seat, ctx) };
  if (view.phase === 'voting' && you.votedFor === null && you.voteTargets.length > 0) {
    return { type: 'vote', seat: bestRoast(view, you.voteTargets, ctx) };
  }
  return null;
}

export function roastBotMemoryEntry(view: Record<string, unknown>): RoastBotMemoryEntry | null {
  if (!isRoastView(view)) return null;
  const last = view.results.at(-1);
  return last ? { round: last.round, winner: last.winner } : null;
}

/** Whether a text was written from this template (its fixed words are all in it). */
const writtenFrom = (template: string, text: string) =>
  template
    .split(/\{name\}|\{theme\}/)
    .map((part) => part.trim())
    .every((part) => part === '' || text.includes(part));

function writeRoast(view: RoastView, seat: number, ctx: GameContext): string {
  const others = view.seats.filter((other) => other.seat !== seat);
  const topScore = Math.max(...others.map((other) => other.score));
  const leaders = others.filter((other) => other.score === topScore);
  const target = leaders[ctx.random.int(leaders.length)];
  // A bot does not tell the same joke twice in a battle while it has others.
  const mine = view.results
    .map((round) => round.roasts[seat])
    .filter((text): text is string => typeof text === 'string');
  const fresh = ROAST_TEMPLATES.filter((template) => !mine.some((text) => writtenFrom(template, text)));
  const templates = fresh.length > 0 ? fresh : ROAST_TEMPLATES;
  const template = templates[ctx.random.int(templates.length)];
  const text = template.replaceAll('{name}', target.name).replaceAll('{theme}', view.theme ?? 'everything');
  return [...text].slice(0, view.maxRoastLength).join('');
}

/** The best-judged roast among the candidates, with a little seeded variety between roasts judged alike. */
function bestRoast(view: RoastView, candidates: number[], ctx: GameContext): number {
  let best = { seat: candidates[0], score: -Infinity };
  for (const candidate of candidates) {
    const text = view.roasts.find((roast) => roast.seat === candidate)?.text ?? '';
    const names = view.seats.filter((other) => other.seat !== candidate).map((other) => other.name);
    const score = roastScore(text, { theme: view.theme, names }) + JUDGE_VARIETY * ctx.random.next();
    if (score > best.score) best = { seat: candidate, score };
  }
  return best.seat;
}
