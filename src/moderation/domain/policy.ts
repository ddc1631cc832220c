import { I_OR_L, skeletonOf, type Skeleton } from './normalize';
import { parsePattern, type Pattern } from './pattern';
import { findPersonalInfo } from './personal-info';
import { RuleIndex, runsOf, type IndexedRule, type RuleMatch } from './rule-index';
import { CATEGORIES, intentGap, intentName, validateRuleSet, type Category, type RuleSet } from './rule-set';

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
const CAMEL_CASE = /(\p{Ll})(\p{Lu})/u;
const CAMEL_CASE_ALL = /(\p{Ll})(\p{Lu})/gu;
/** "IWill" is "I Will": a capital before a capitalised word. */
const CAPITALS_THEN_WORD = /(\p{Lu})(\p{Lu}\p{Ll})/gu;

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
  /** Every step, break and unless entry of every intent, read from word starts like the rules above. */
  readonly intentParts = new RuleIndex();
  readonly intents: CompiledIntent[] = [];
  /** For each part, the intents that have it as a step: only those are looked at when it is found. */
  readonly intentsWithStep: number[][] = [];
  /**
   * Words one of which every intent needs (read by `anchorKey`), so a text with none of them is not read
   * for intents at all; null when some intent has no such word.
   */
  intentAnchors: Set<string> | null = new Set();

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
  const intentParts = new Map<string, number>();
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
    compileIntents(ruleSet, category, compiled, intentParts);
  }
  return compiled;
}

/**
 * An intent made ready: the rule reported when it matches, and its parts by number. A part is one
 * distinct pattern, shared by every intent that uses it, so a common word is found once per text.
 */
export interface CompiledIntent {
  rule: IndexedRule;
  steps: number[];
  distinctSteps: number;
  breaks: number[];
  unless: number[];
  gap: number;
}

function compileIntents(
  ruleSet: RuleSet,
  category: Category,
  compiled: CompiledRuleSet,
  parts: Map<string, number>,
): void {
  const anchorsOf = new Map<number, Array<Set<string>>>();
  const partOf = (source: string): number => {
    let part = parts.get(source);
    if (part === undefined) {
      part = parts.size;
      parts.set(source, part);
      const parsed = parsePattern(source, ruleSet.lists);
      anchorsOf.set(part, parsed.ok ? anchorChoices(parsed.pattern) : []);
      if (parsed.ok) {
        const rule: IndexedRule = {
          category,
          source,
          effect: 'block',
          openStart: false,
          wordEnd: !parsed.pattern.openEnd,
          letters: parsed.pattern.minLetters,
          severalWords: true,
          part,
        };
        compiled.intentParts.add(parsed.pattern, rule, ' ');
      }
    }
    return part;
  };
  for (const intent of ruleSet.categories[category].intents ?? []) {
    const steps = intent.steps.map(partOf);
    addAnchors(
      compiled,
      steps.flatMap((part) => anchorsOf.get(part) ?? []),
    );
    for (const part of new Set(steps)) {
      while (compiled.intentsWithStep.length <= part) compiled.intentsWithStep.push([]);
      compiled.intentsWithStep[part].push(compiled.intents.length);
    }
    compiled.intents.push({
      rule: {
        category,
        source: intentName(intent),
        effect: 'block',
        openStart: false,
        wordEnd: true,
        letters: 0,
        severalWords: true,
      },
      steps,
      distinctSteps: new Set(steps).size,
      breaks: (intent.breaks ?? []).map(partOf),
      unless: (intent.unless ?? []).map(partOf),
      gap: intentGap(intent),
    });
  }
}

/** Words too common to be worth looking for first: a group made of them is a poor anchor. */
const COMMON_WORDS = new Set(
  (
    'i ill im we you u ya your ur the a an is are be go just not no it so to and of in on at for my me he she they ' +
    'this that do does will would should can all please pls why now if when what with or but am was were have has ' +
    'get gets got make take put set give want next one up out off back down'
  ).split(' '),
);

/**
 * For each group the pattern cannot do without, a word from each of its alternatives (the least common
 * one): a text that holds none of them cannot match. None for a pattern that may end inside a word.
 */
function anchorChoices(pattern: Pattern): Array<Set<string>> {
  if (pattern.openEnd) return [];
  return pattern.steps
    .filter((step) => !step.optional)
    .map(
      (step) =>
        new Set(step.alternatives.map((words) => anchorKey(words.find((word) => !COMMON_WORDS.has(word)) ?? words[0]))),
    );
}

/** Of an intent's required groups, the one whose words are rarest, by a rough measure; its words join the anchors. */
function addAnchors(compiled: CompiledRuleSet, choices: Array<Set<string>>): void {
  if (compiled.intentAnchors === null) return;
  let best: Set<string> | null = null;
  let bestScore = Infinity;
  for (const words of choices) {
    const score = [...words].filter((word) => COMMON_WORDS.has(word)).length * 1000 + words.size;
    if (score < bestScore) {
      best = words;
      bestScore = score;
    }
  }
  if (best === null) compiled.intentAnchors = null;
  else for (const word of best) compiled.intentAnchors.add(word);
}

/** A word as the anchors are kept: i and l alike (a typed 1 may be either), runs of a letter as one. */
function anchorKey(word: string): string {
  let key = '';
  let previous = '';
  for (const char of word) {
    const letter = char === 'l' || char === I_OR_L ? 'i' : char;
    if (letter !== previous) key += letter;
    previous = letter;
  }
  return key;
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
  // A name written in camel case ("IWillKillYou") is also read as the words it runs together, for intents.
  if (isName && CAMEL_CASE.test(text)) {
    matches.push(
      ...wordMatches(skeletonOf(text.replace(CAMEL_CASE_ALL, '$1 $2').replace(CAPITALS_THEN_WORD, '$1 $2')), compiled),
    );
  }
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

/** The words as written, spaces and all: whole words, phrases, `*` rules inside words, and intents. */
function wordMatches(skeleton: Skeleton, compiled: CompiledRuleSet): RuleMatch[] {
  const text = skeleton.words.join(' ');
  const runs = runsOf(text);
  const found: RuleMatch[] = [];
  const parts: RuleMatch[] = [];
  const { intentAnchors } = compiled;
  const readIntents =
    compiled.intents.length > 0 &&
    (intentAnchors === null || skeleton.words.some((word) => intentAnchors.has(anchorKey(word))));
  for (let at = 0; at < runs.length; at += 1) {
    if (runs[at].codePoint === SPACE) continue;
    if (at === 0 || runs[at - 1].codePoint === SPACE) {
      compiled.wordStart.matchFrom(runs, at, found);
      if (readIntents) compiled.intentParts.matchFrom(runs, at, parts);
    }
    compiled.inWord.matchFrom(runs, at, found);
  }
  if (parts.length > 0) found.push(...intentMatches(skeleton.words, parts, compiled));
  return unexcused(found.map((match) => (match.rule.effect === 'allow' ? widenedToWords(text, match) : match)));
}

/** Where a part of an intent was found, by word; for a step, also the word its chain of steps began at. */
interface PartHit {
  first: number;
  last: number;
  chainStart: number;
}

/**
 * The intents whose steps all stand in order, each at most `gap` words after the one before, with no
 * break word between them or just before the first; none counts in a text holding one of its unless entries.
 */
function intentMatches(words: readonly string[], parts: RuleMatch[], compiled: CompiledRuleSet): RuleMatch[] {
  const wordStarts: number[] = [];
  let offset = 0;
  for (const word of words) {
    wordStarts.push(offset);
    offset += word.length + 1;
  }
  const wordAt = (at: number): number => {
    let low = 0;
    let high = wordStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (wordStarts[middle] <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const hitsOf = new Map<number, PartHit[]>();
  for (const { rule, start, end } of parts) {
    if (rule.part === undefined) continue;
    const first = wordAt(start);
    const hit = { first, last: wordAt(end - 1), chainStart: first };
    const hits = hitsOf.get(rule.part);
    if (hits === undefined) hitsOf.set(rule.part, [hit]);
    else hits.push(hit);
  }

  // Most intents lack a step in most texts: only those with every step found are looked at.
  const { intents, intentsWithStep } = compiled;
  const stepsFound = new Uint8Array(intents.length);
  const candidates: CompiledIntent[] = [];
  for (const part of hitsOf.keys()) {
    for (const index of intentsWithStep[part] ?? []) {
      stepsFound[index] += 1;
      if (stepsFound[index] === intents[index].distinctSteps) candidates.push(intents[index]);
    }
  }
  const matches: RuleMatch[] = [];
  for (const intent of candidates) {
    if (intent.unless.some((part) => hitsOf.has(part))) continue;
    const broken = new Set<number>();
    for (const part of intent.breaks) {
      for (const { first, last } of hitsOf.get(part) ?? [])
        for (let word = first; word <= last; word += 1) broken.add(word);
    }
    let reached = (hitsOf.get(intent.steps[0]) ?? []).filter((hit) => !broken.has(hit.first - 1));
    for (let step = 1; step < intent.steps.length && reached.length > 0; step += 1) {
      const next: PartHit[] = [];
      for (const hit of hitsOf.get(intent.steps[step]) ?? []) {
        let chainStart = -1;
        for (const before of reached) {
          if (before.last >= hit.first || hit.first - before.last - 1 > intent.gap) continue;
          let clear = true;
          for (let word = before.last + 1; word < hit.first && clear; word += 1) clear = !broken.has(word);
          // The latest start gives the shortest match, the one an allow entry is likeliest to cover.
          if (clear) chainStart = Math.max(chainStart, before.chainStart);
        }
        if (chainStart >= 0) next.push({ ...hit, chainStart });
      }
      reached = next;
    }
    for (const hit of reached) {
      matches.push({
        rule: intent.rule,
        start: wordStarts[hit.chainStart],
        end: wordStarts[hit.last] + words[hit.last].length,
      });
    }
  }
  return matches;
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
