import { normalize } from './normalize';

/**
 * The small language an admin writes rules in. A pattern is words separated by spaces:
 *   kill                  the whole word (also "k1ll", "k i l l", "kiiill": the text is normalized first)
 *   fuck*  *fuck  *cunt*  a `*` at the very start or end lets the match begin or end inside a word
 *   (i will|ill) kill (you|u)   a group of alternatives, each one or more words
 *   (really|fucking)? kill you  a `?` after a group makes it optional
 *   {i_will} kill {you}   a named word list of the rule set, standing for a group of its entries; it
 *                         may also be one alternative of a group: ({i_will}|gonna) kill {you}
 * Groups do not nest. No regular expressions: admin input can never be slow to match.
 */
export interface Pattern {
  /** The words and groups in order; a plain word is a group of one alternative. Words are normalized. */
  steps: PatternStep[];
  /** The match may begin inside a word (`*` first). */
  openStart: boolean;
  /** The match may end inside a word (`*` last). */
  openEnd: boolean;
  /** Letters in the shortest text the pattern matches. */
  minLetters: number;
}

export interface PatternStep {
  /** Each alternative is one or more words. */
  alternatives: string[][];
  optional: boolean;
}

export type PatternParse = { ok: true; pattern: Pattern } | { ok: false; problem: string };

/** Named lists of alternatives that patterns share, such as every way of writing "i will". */
export type WordLists = Readonly<Record<string, readonly string[]>>;

const MAX_PATTERN_LENGTH = 500;
/** Characters that mean something in a pattern, so a list entry may not hold them. */
export const PATTERN_SYNTAX = /[()|?*{}]/;

export function parsePattern(source: string, lists: WordLists = {}): PatternParse {
  if (source.length > MAX_PATTERN_LENGTH) return fail(`is longer than ${MAX_PATTERN_LENGTH} characters`);
  let body = source.trim();
  const openStart = body.startsWith('*');
  const openEnd = body.length > 1 && body.endsWith('*');
  body = body.slice(openStart ? 1 : 0, openEnd ? -1 : undefined);
  if (body.includes('*')) return fail('has a `*` that is not at its very start or end');
  if (/^\s|\s$/.test(body)) return fail('has a `*` apart from the word it belongs to');

  const steps: PatternStep[] = [];
  for (let at = 0; at < body.length;) {
    const char = body[at];
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '(' || char === '{') {
      const closing = char === '(' ? ')' : '}';
      const close = body.indexOf(closing, at);
      if (close < 0) return fail(`has a \`${char}\` without its \`${closing}\``);
      const inside = body.slice(at + 1, close);
      if (inside.includes('(')) return fail('has a group inside a group');
      const entries: string[] = [];
      for (const entry of char === '(' ? inside.split('|') : [`{${inside}}`]) {
        const listName = /^\s*\{([^{}]*)\}\s*$/.exec(entry)?.[1];
        if (listName === undefined && /[{}]/.test(entry)) return fail('has a word list joined to a word');
        if (listName !== undefined && !Object.hasOwn(lists, listName)) {
          return fail(`uses {${listName}}, which is not a word list`);
        }
        entries.push(...(listName === undefined ? [entry] : lists[listName]));
      }
      const alternatives = entries.map(words);
      if (alternatives.some((alternative) => alternative.length === 0)) {
        return fail('has an empty alternative in a group (use `?` after the group to make it optional)');
      }
      const optional = body[close + 1] === '?';
      const after = close + (optional ? 2 : 1);
      if (after < body.length && !/\s/.test(body[after])) return fail('has a group joined to a word');
      steps.push({ alternatives, optional });
      at = after;
    } else if (')|?}'.includes(char)) {
      return fail(`has a \`${char}\` outside a group`);
    } else {
      let end = at;
      while (end < body.length && !/[\s()|?{}]/.test(body[end])) end += 1;
      if (body[end] === '(' || body[end] === '{') return fail('has a group joined to a word');
      if (body[end] === '?') return fail('has a `?` after a word (only a group can be optional)');
      const folded = words(body.slice(at, end));
      if (folded.length === 0) return fail(`has a word with no letters or digits: "${body.slice(at, end)}"`);
      steps.push({ alternatives: [folded], optional: false });
      at = end;
    }
  }
  const minLetters = steps
    .filter((step) => !step.optional)
    .reduce((sum, step) => sum + Math.min(...step.alternatives.map((alternative) => alternative.join('').length)), 0);
  if (minLetters === 0) return fail('can match an empty text');
  return { ok: true, pattern: { steps, openStart, openEnd, minLetters } };
}

function words(text: string): string[] {
  const folded = normalize(text);
  return folded === '' ? [] : folded.split(' ');
}

function fail(problem: string): PatternParse {
  return { ok: false, problem };
}
