import { skeletonOf, type Skeleton } from './normalize';
import { parsePattern } from './pattern';
import { findPersonalInfo } from './personal-info';
import { RuleIndex, runsOf, type IndexedRule, type RuleMatch } from './rule-index';
import { CATEGORIES, validateRuleSet, type Category, type RuleSet } from './rule-set';

/**
 * Where a text is shown. Messages (chat, roasts) are read word by word; names are held to a stricter
 * standard, since they stay on screen and are often written as one word: long rules are also looked for
 * inside words, and any seven digits count as a phone number.
 */
export const SURFACES = ['chat', 'roast', 'display_name', 'team_name', 'room_name'] as const;
export type Surface = (typeof SURFACES)[number];
const NAME_SURFACES: ReadonlySet<Surface> = new Set(['display_name', 'team_name', 'room_name']);

export interface ModerationContext {
  surface: Surface;
}

export const CONTENT_BLOCKED = 'CONTENT_BLOCKED';

export type Decision =
  | { allowed: true; code: null; category: null }
  | { allowed: false; code: typeof CONTENT_BLOCKED; category: Category; term: string };

const ALLOWED: Decision = Object.freeze({ allowed: true, code: null, category: null });
const SPACE = 0x20;
/** In a name, rules this long are found inside other words too ("retardsquad", "killyourself"). */
const NAME_SUBSTRING_MIN_LETTERS = 6;

/** A rule set made ready for `evaluate`: every rule of every category, indexed for each way of reading. */
export class CompiledRuleSet {
  /** Rules that start where a word starts. */
  readonly wordStart = new RuleIndex();
  /** Rules written with a leading `*`, which may start inside a word. */
  readonly inWord = new RuleIndex();
  /** Every rule with its words run together, for text whose spaces cannot be trusted. */
  readonly squashed = new RuleIndex();
  /** Only the phrases (and allow entries) run together: what an ordinary message is also read for. */
  readonly squashedPhrases = new RuleIndex();

  constructor(readonly version: string) {}
}

/** Precompiles a rule set; throws if it is not valid (check admin input with `validateRuleSet` first). */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const check = validateRuleSet(ruleSet);
  if (!check.ok) {
    const problems = check.problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
    throw new Error(`rule set ${String(ruleSet.version)} is not valid: ${problems}`);
  }
  const compiled = new CompiledRuleSet(ruleSet.version);
  for (const category of CATEGORIES) {
    const { terms, phrases = [], allow = [] } = ruleSet.categories[category];
    const entries: Array<{ source: string; effect: IndexedRule['effect'] }> = [
      ...[...terms, ...phrases].map((source) => ({ source, effect: 'block' as const })),
      ...allow.map((source) => ({ source, effect: 'allow' as const })),
    ];
    for (const { source, effect } of entries) {
      const parsed = parsePattern(source, ruleSet.lists);
      if (!parsed.ok) continue; // unreachable: the rule set was validated above
      const { pattern } = parsed;
      const severalWords = pattern.steps.length > 1 || pattern.steps[0].alternatives.some((words) => words.length > 1);
      const rule: IndexedRule = {
        category,
        source,
        effect,
        openStart: pattern.openStart,
        wordEnd: !pattern.openEnd,
        letters: pattern.minLetters,
        severalWords,
      };
      (pattern.openStart ? compiled.inWord : compiled.wordStart).add(pattern, rule, ' ');
      compiled.squashed.add(pattern, { ...rule, wordEnd: false }, '');
      if (severalWords || effect === 'allow') compiled.squashedPhrases.add(pattern, { ...rule, wordEnd: false }, '');
    }
  }
  return compiled;
}

const compiledRuleSets = new WeakMap<RuleSet, CompiledRuleSet>();

/**
 * The content policy's verdict on a text shown on `surface`. Pass a `CompiledRuleSet` on the hot path;
 * a plain `RuleSet` is compiled once and remembered for as long as that object lives (so treat a rule
 * set as immutable: an admin's change is a new object).
 */
export function evaluate(
  text: string,
  rules: RuleSet | CompiledRuleSet,
  context: ModerationContext = { surface: 'chat' },
): Decision {
  const compiled = rules instanceof CompiledRuleSet ? rules : compiledFor(rules);
  const isName = NAME_SURFACES.has(context.surface);
  const skeleton = skeletonOf(text);
  const matches = [...wordMatches(skeleton, compiled), ...squashedMatches(skeleton, compiled, isName)];
  const harm = mostSevere(matches);
  // Contact details are the least severe category: any other harm is reported first.
  if (harm !== undefined && harm.rule.category !== 'PERSONAL_INFO') {
    return blocked(harm.rule.category, harm.rule.source);
  }
  const personalInfo = findPersonalInfo(text, isName);
  if (personalInfo !== null) return blocked('PERSONAL_INFO', personalInfo);
  return harm === undefined ? ALLOWED : blocked(harm.rule.category, harm.rule.source);
}

function compiledFor(ruleSet: RuleSet): CompiledRuleSet {
  let compiled = compiledRuleSets.get(ruleSet);
  if (compiled === undefined) {
    compiled = compileRuleSet(ruleSet);
    compiledRuleSets.set(ruleSet, compiled);
  }
  return compiled;
}

/** The words as written, spaces and all: whole words, phrases, and `*` rules inside words. */
function wordMatches(skeleton: Skeleton, compiled: CompiledRuleSet): RuleMatch[] {
  const text = skeleton.words.join(' ');
  const runs = runsOf(text);
  const found: RuleMatch[] = [];
  for (let at = 0; at < runs.length; at += 1) {
    if (runs[at].codePoint === SPACE) continue;
    if (at === 0 || runs[at - 1].codePoint === SPACE) compiled.wordStart.matchFrom(runs, at, found);
    compiled.inWord.matchFrom(runs, at, found);
  }
  return unexcused(found.map((match) => (match.rule.effect === 'allow' ? widenedToWords(text, match) : match)));
}

/** An allow entry's `*` stands for the rest of its word: "scunthorpe*" covers all of "scunthorpes". */
function widenedToWords(text: string, match: RuleMatch): RuleMatch {
  const start = match.rule.openStart ? text.lastIndexOf(' ', match.start - 1) + 1 : match.start;
  const space = text.indexOf(' ', match.end);
  const end = match.rule.wordEnd ? match.end : space < 0 ? text.length : space;
  return { ...match, start, end };
}

/**
 * The words run together. In a name, whose words often are, this counts for long rules. In a message
 * it counts where letters were spelled out one by one ("i will k i l l u"), and for a phrase found
 * inside a single word ("killyourself").
 */
function squashedMatches(skeleton: Skeleton, compiled: CompiledRuleSet, isName: boolean): RuleMatch[] {
  const index = isName || skeleton.spelledOut.includes(true) ? compiled.squashed : compiled.squashedPhrases;
  const runs = runsOf(skeleton.words.join(''));
  const found: RuleMatch[] = [];
  for (let at = 0; at < runs.length; at += 1) index.matchFrom(runs, at, found);
  if (found.length === 0) return found;
  const wordEnds: number[] = [];
  for (const word of skeleton.words) wordEnds.push((wordEnds.at(-1) ?? 0) + word.length);
  const wordAt = (offset: number): number => wordEnds.findIndex((end) => offset < end);
  return unexcused(found).filter((match) => {
    if (isName) return match.rule.letters >= NAME_SUBSTRING_MIN_LETTERS;
    const firstWord = wordAt(match.start);
    const lastWord = wordAt(match.end - 1);
    const spelled = skeleton.spelledOut.slice(firstWord, lastWord + 1).includes(true);
    return spelled || (match.rule.severalWords && firstWord === lastWord);
  });
}

/** Blocking matches that no allow entry of their category covers ("cunt" inside "scunthorpe"). */
function unexcused(found: RuleMatch[]): RuleMatch[] {
  const allowed = found.filter((match) => match.rule.effect === 'allow');
  return found.filter(
    (match) =>
      match.rule.effect === 'block' &&
      !allowed.some(
        (allow) => allow.rule.category === match.rule.category && allow.start <= match.start && match.end <= allow.end,
      ),
  );
}

function mostSevere(matches: RuleMatch[]): RuleMatch | undefined {
  let worst: RuleMatch | undefined;
  for (const match of matches) {
    if (worst === undefined || CATEGORIES.indexOf(match.rule.category) < CATEGORIES.indexOf(worst.rule.category)) {
      worst = match;
    }
  }
  return worst;
}

function blocked(category: Category, term: string): Decision {
  return { allowed: false, code: CONTENT_BLOCKED, category, term };
}
