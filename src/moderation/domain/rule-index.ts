import { I_OR_L } from './normalize';
import type { Pattern } from './pattern';
import type { Category } from './rule-set';

/**
 * Compiled rules as one automaton over letter runs, so a message is read once per starting letter
 * whatever the number of rules, and a phrase's groups cost their length, not the product of their
 * alternatives. A run is a letter once or twice ("kiiill" is k, ii, ll: longer runs were already cut
 * to two): a rule letter written once matches a run of one or two, one written twice matches only a
 * run of two, so "fuuuck" meets "fuck" while "as" does not meet "ass".
 */

export interface IndexedRule {
  category: Category;
  /** The entry as the admin wrote it, reported with a decision. */
  source: string;
  effect: 'block' | 'allow';
  /** The pattern may begin inside a word (a leading `*`). */
  openStart: boolean;
  /** The match must end where a word ends (no trailing `*`). */
  wordEnd: boolean;
  /** Letters in the shortest text the rule matches; in a name only long rules are looked for inside words. */
  letters: number;
  /** The rule is several words long, so finding them run together inside one word still means them. */
  severalWords: boolean;
  /** Set when the pattern is a part of intents (a step, a break or an unless entry): its number among them. */
  part?: number;
}

export interface RuleMatch {
  rule: IndexedRule;
  /** Where it was found in the text that was scanned, as string offsets. */
  start: number;
  end: number;
}

export interface Run {
  codePoint: number;
  /** The letter comes two or more times in a row. */
  twice: boolean;
  start: number;
  end: number;
}

/** Edges are keyed by the code point times two, plus one for a letter written twice: numbers are fast keys. */
interface RuleNode {
  next: Map<number, RuleNode[]>;
  /** The one child per key that lies inside words, shared by every path through here like a trie's. */
  inner: Map<number, RuleNode>;
  rules: IndexedRule[];
}

export class RuleIndex {
  private readonly root = newNode();

  /** `separator`: what stands between the pattern's words in the text this index reads, a space or nothing. */
  add(pattern: Pattern, rule: IndexedRule, separator: ' ' | ''): void {
    // Where the next step may begin, and whether a space must come before it.
    let frontier: Array<{ from: RuleNode; afterWord: boolean }> = [{ from: this.root, afterWord: false }];
    for (const step of pattern.steps) {
      const joined = newNode();
      for (const { from, afterWord } of frontier) {
        const start = afterWord && separator === ' ' ? innerChild(from, SPACE * 2) : from;
        for (const words of step.alternatives) addPath(start, words.join(separator), joined);
      }
      frontier = [{ from: joined, afterWord: true }, ...(step.optional ? frontier : [])];
    }
    for (const { from, afterWord } of frontier) if (afterWord) from.rules.push(rule);
  }

  /** Every rule whose text begins at `runs[first]`, appended to `found`. */
  matchFrom(runs: readonly Run[], first: number, found: RuleMatch[]): void {
    walk(this.root, runs, first, first, found);
  }
}

// Runs on every letter of every message: plain loops, no allocation unless a rule matches.
function walk(node: RuleNode, runs: readonly Run[], first: number, at: number, found: RuleMatch[]): void {
  const run = runs[at];
  if (run === undefined) return;
  if (run.codePoint === I_OR_L_CODE) {
    follow(node, I_CODE, runs, first, at, found);
    follow(node, L_CODE, runs, first, at, found);
  } else {
    follow(node, run.codePoint, runs, first, at, found);
  }
}

/**
 * Reads `runs[at]` as `codePoint`: as the letter once (a run of one or two), as the letter twice (a
 * run of two), and, run together, as the end of one word and the start of the next: "know" + "where".
 */
function follow(
  node: RuleNode,
  codePoint: number,
  runs: readonly Run[],
  first: number,
  at: number,
  found: RuleMatch[],
): void {
  const twice = runs[at].twice;
  const once = node.next.get(codePoint * 2);
  if (once !== undefined) {
    for (let c = 0; c < once.length; c += 1) {
      reached(once[c], runs, first, at, found);
      const again = twice ? once[c].next.get(codePoint * 2) : undefined;
      if (again !== undefined) for (let a = 0; a < again.length; a += 1) reached(again[a], runs, first, at, found);
    }
  }
  const double = twice ? node.next.get(codePoint * 2 + 1) : undefined;
  if (double !== undefined) for (let c = 0; c < double.length; c += 1) reached(double[c], runs, first, at, found);
}

/** `node` was reached by reading `runs[at]`: report its rules and read on. */
function reached(node: RuleNode, runs: readonly Run[], first: number, at: number, found: RuleMatch[]): void {
  const next = runs[at + 1];
  for (const rule of node.rules) {
    if (!rule.wordEnd || next === undefined || next.codePoint === SPACE) {
      found.push({ rule, start: runs[first].start, end: runs[at].end });
    }
  }
  if (node.next.size > 0) walk(node, runs, first, at + 1, found);
}

function newNode(): RuleNode {
  return { next: new Map(), inner: new Map(), rules: [] };
}

/**
 * Inner nodes are shared (a path reaches the end of a step only by spelling one of that step's
 * alternatives), so rules with a common beginning are walked once; a step's end node is its own.
 */
function innerChild(from: RuleNode, key: number): RuleNode {
  let child = from.inner.get(key);
  if (child === undefined) {
    child = link(from, key, newNode());
    from.inner.set(key, child);
  }
  return child;
}

function link(from: RuleNode, key: number, to: RuleNode): RuleNode {
  const targets = from.next.get(key);
  if (targets === undefined) from.next.set(key, [to]);
  else targets.push(to);
  return to;
}

function addPath(from: RuleNode, text: string, to: RuleNode): void {
  const runs = runsOf(text);
  let node = from;
  runs.forEach((run, index) => {
    const key = run.codePoint * 2 + (run.twice ? 1 : 0);
    node = index === runs.length - 1 ? link(node, key, to) : innerChild(node, key);
  });
}

const SPACE = 0x20;
const I_CODE = 0x69;
const L_CODE = 0x6c;
const I_OR_L_CODE = I_OR_L.codePointAt(0);

/** The text as letter runs, each with where it stands in the text. */
export function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let at = 0;
  while (at < text.length) {
    const codePoint = text.codePointAt(at) ?? 0;
    const width = codePoint > 0xffff ? 2 : 1;
    let end = at + width;
    while (text.codePointAt(end) === codePoint) end += width;
    // Skeleton words hold runs of two at most; words run together can make three ("kill lol"), read as two.
    runs.push({ codePoint, twice: end - at > width && codePoint !== SPACE, start: at, end });
    at = end;
  }
  return runs;
}
