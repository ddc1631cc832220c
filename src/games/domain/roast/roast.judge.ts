/**
 * How bots judge a roast: by the roast itself, never by who wrote it or how often that seat won before,
 * so a player's good roast wins a bot's vote. A roast that a player would call good is of a fair length,
 * on the round's theme, aimed at someone in the room, and has a turn of wit in it; shouting and
 * repetition count against it. Scores are small whole steps (half points for wit), so a bot's own seeded
 * variety (under one point, see roastBotAction) only decides between roasts judged about equal.
 */
export interface RoastJudging {
  /** The round's theme. */
  theme: string | null;
  /** The names of the seats a roast may aim at (everyone but its author). */
  names: readonly string[];
}

/** Turns of phrase that make a line a joke rather than a statement; each distinct one counts, up to three. */
const WIT_MARKERS: readonly RegExp[] = [
  /\bso\b[^.!?]*\b(that|even)\b/,
  /\blike an?\b/,
  /\b(than|worse|better)\b/,
  /\beven\b/,
  /\bstill\b/,
  /\bif\b/,
  /\b(never|only)\b/,
  /\?/,
  /\bas\s+\w+\s+as\b/,
];

const words = (text: string) => text.toLocaleLowerCase().match(/\p{L}[\p{L}'-]*/gu) ?? [];

function lengthPoints(length: number): number {
  if (length < 12) return 0;
  if (length < 30) return 1;
  return length <= 180 ? 2 : 1; // past a couple of sentences it rambles
}

/** Any word of the theme, by its stem ("dance moves" is met by "dancing"). */
function onTheme(lower: string, theme: string | null): boolean {
  if (!theme) return false;
  return words(theme)
    .filter((word) => word.length >= 3)
    .some((word) => lower.includes(word.slice(0, Math.max(4, word.length - 2))));
}

/** A score for one roast: 0 (a shrug) to 6.5 (fair length, on theme, aimed, witty). */
export function roastScore(text: string, judging: RoastJudging): number {
  const trimmed = text.trim();
  const lower = trimmed.toLocaleLowerCase();
  let score = lengthPoints([...trimmed].length);
  if (onTheme(lower, judging.theme)) score += 2;
  if (judging.names.some((name) => name.trim() !== '' && lower.includes(name.trim().toLocaleLowerCase()))) score += 1;
  score += 0.5 * Math.min(3, WIT_MARKERS.filter((marker) => marker.test(lower)).length);

  const letters = trimmed.match(/\p{L}/gu) ?? [];
  const upper = letters.filter((letter) => letter !== letter.toLocaleLowerCase()).length;
  if (letters.length >= 10 && upper / letters.length > 0.7) score -= 1; // shouting
  const counts = new Map<string, number>();
  for (const word of words(trimmed).filter((candidate) => candidate.length >= 3))
    counts.set(word, (counts.get(word) ?? 0) + 1);
  if ([...counts.values()].some((count) => count >= 3)) score -= 1; // the same word again and again
  return Math.max(0, score);
}
