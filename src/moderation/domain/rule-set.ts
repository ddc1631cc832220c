import { parsePattern, PATTERN_SYNTAX, type WordLists } from './pattern';

/** What a blocked text was, in order of precedence: a text that is two of these counts as the first. */
export const CATEGORIES = ['THREAT', 'SELF_HARM', 'HATE', 'SEXUAL', 'PERSONAL_INFO'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * The rules of one category, all in the pattern language of `pattern.ts`. Terms are single words
 * ("kike", "fuck*", "*cunt*"); phrases are harmful only as a whole ("(i will|ill) kill (you|u)", where
 * "killer app" and "kill it" stay allowed); an allow entry is a word or phrase inside which a hit of
 * this category does not count ("scunthorpe", "cocktail*", "chink in the armor").
 */
export interface CategoryRules {
  terms: string[];
  phrases?: string[];
  allow?: string[];
  /** Format 2 only. */
  intents?: IntentRule[];
}

/**
 * What a text means rather than how it is worded: steps in order, each a pattern (usually a word class,
 * a `{list}`), with up to `gap` other words between two steps. "{speaker_will} {violent_act} {target_you}"
 * meets "ill beat you", "i am really going to stab you" and "imma fucking shoot u", whatever the
 * filler. An allow entry of the category that covers the whole match excuses it, as for a phrase.
 */
export interface IntentRule {
  /** Reported as the decision's term; the steps joined by " … " when absent. */
  name?: string;
  steps: string[];
  /** How many other words may stand between two steps: 0 to 4, default 2. */
  gap?: number;
  /** Words that may not stand in a gap or just before the first step, such as negations: "i would never hurt you". */
  breaks?: string[];
  /** The intent does not count in a text that has one of these anywhere: game talk ("next round") for game moves. */
  unless?: string[];
}

/** Term lists are data: an admin edits this object at run time; it travels and is stored as JSON. */
export interface RuleSet {
  /**
   * How the rule set is written: 1 (also when absent) has terms, phrases and allow entries; 2 adds intents.
   * Stored rule sets of format 1 load unchanged.
   */
  format?: RuleSetFormat;
  version: string;
  /** Named word lists the patterns share as `{name}`, e.g. `i_will: ["i will", "ill", "im gonna"]`. */
  lists?: Record<string, string[]>;
  categories: Record<Category, CategoryRules>;
}

export const RULE_SET_FORMATS = [1, 2] as const;
export type RuleSetFormat = (typeof RULE_SET_FORMATS)[number];

export interface RuleSetProblem {
  /** Where in the input, e.g. `categories.HATE.terms[3]`. */
  path: string;
  message: string;
}

export type RuleSetCheck = { ok: true; ruleSet: RuleSet } | { ok: false; problems: RuleSetProblem[] };

const VERSION = /^[\w.:+-]{1,64}$/;
const FIELDS = ['format', 'version', 'lists', 'categories'];
const RULE_LISTS = ['terms', 'phrases', 'allow'] as const;
const CATEGORY_FIELDS: readonly string[] = [...RULE_LISTS, 'intents'];
const INTENT_FIELDS = ['name', 'steps', 'gap', 'breaks', 'unless'];
const INTENT_PATTERN_LISTS = ['breaks', 'unless'] as const;
const MAX_INTENT_STEPS = 8;
const MAX_INTENT_GAP = 4;
const DEFAULT_INTENT_GAP = 2;
const MAX_INTENTS_PER_CATEGORY = 200;
const NAME = /^.{1,64}$/u;
const LIST_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_ENTRIES_PER_LIST = 2000;

/** Checks an admin's rule set before it is stored or compiled; every problem is reported, not just the first. */
export function validateRuleSet(input: unknown): RuleSetCheck {
  const problems: RuleSetProblem[] = [];
  const problem: Complaint = (path, message) => void problems.push({ path, message });

  if (!isRecord(input)) return { ok: false, problems: [{ path: '', message: 'must be an object' }] };
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) problem(key, 'is not a rule set field');
  }
  const format = input.format ?? 1;
  if (!(RULE_SET_FORMATS as readonly unknown[]).includes(format)) {
    problem('format', `must be one of ${RULE_SET_FORMATS.join(', ')}`);
  }
  if (typeof input.version !== 'string' || !VERSION.test(input.version)) {
    problem('version', 'must be 1 to 64 letters, digits or . : + - _');
  }
  const lists = checkWordLists(input.lists, problem);
  const categories = input.categories;
  if (!isRecord(categories)) {
    problem('categories', 'must be an object with one entry per category');
  } else {
    for (const key of Object.keys(categories)) {
      if (!(CATEGORIES as readonly string[]).includes(key)) {
        problem(`categories.${key}`, `is not a category (one of ${CATEGORIES.join(', ')})`);
      }
    }
    for (const category of CATEGORIES) {
      checkCategory(categories[category], `categories.${category}`, lists, format === 2, problem);
    }
  }
  return problems.length === 0 ? { ok: true, ruleSet: input as unknown as RuleSet } : { ok: false, problems };
}

/** The word lists that are well formed, so that patterns using them can be checked too. */
function checkWordLists(input: unknown, problem: Complaint): WordLists {
  if (input === undefined) return {};
  if (!isRecord(input)) {
    problem('lists', 'must be an object of named word lists');
    return {};
  }
  const lists: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(input)) {
    const path = `lists.${name}`;
    if (!LIST_NAME.test(name)) problem(path, 'must be named with 1 to 32 lower-case letters, digits or _');
    else if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES_PER_LIST) {
      problem(path, `must be a list of 1 to ${MAX_ENTRIES_PER_LIST} strings`);
    } else if (!entries.every((entry): entry is string => typeof entry === 'string' && entry.trim() !== '')) {
      problem(path, 'must hold only words');
    } else if (entries.some((entry) => PATTERN_SYNTAX.test(entry))) {
      problem(path, 'must hold plain words: a list entry cannot use ( ) | ? * { }');
    } else {
      lists[name] = entries;
    }
  }
  return lists;
}

function checkCategory(rules: unknown, path: string, lists: WordLists, intents: boolean, problem: Complaint): void {
  if (!isRecord(rules)) return problem(path, 'is missing or not an object');
  for (const key of Object.keys(rules)) {
    if (!CATEGORY_FIELDS.includes(key)) {
      problem(`${path}.${key}`, 'is not a list of rules (terms, phrases, allow, intents)');
    }
  }
  if (rules.intents !== undefined) {
    if (intents) checkIntents(rules.intents, `${path}.intents`, lists, problem);
    else problem(`${path}.intents`, 'needs a rule set of format 2');
  }
  for (const list of RULE_LISTS) {
    const entries = rules[list];
    if (entries === undefined && list !== 'terms') continue;
    if (!Array.isArray(entries)) {
      problem(`${path}.${list}`, 'must be a list of strings');
      continue;
    }
    if (entries.length > MAX_ENTRIES_PER_LIST) {
      problem(`${path}.${list}`, `has more than ${MAX_ENTRIES_PER_LIST} entries`);
    }
    entries.forEach((entry: unknown, index) => {
      const at = `${path}.${list}[${index}]`;
      if (typeof entry !== 'string') return problem(at, 'must be a string');
      const parsed = parsePattern(entry, lists);
      if (!parsed.ok) return problem(at, `"${entry}" ${parsed.problem}`);
      // A term is one word; context belongs in phrases, where it is spelled out.
      const { steps } = parsed.pattern;
      if (list === 'terms' && (steps.length > 1 || steps[0].alternatives.some((words) => words.length > 1))) {
        problem(at, `"${entry}" is more than one word: put it in phrases`);
      }
    });
  }
}

function checkIntents(input: unknown, path: string, lists: WordLists, problem: Complaint): void {
  if (!Array.isArray(input)) return problem(path, 'must be a list of intents');
  if (input.length > MAX_INTENTS_PER_CATEGORY) problem(path, `has more than ${MAX_INTENTS_PER_CATEGORY} intents`);
  input.forEach((intent: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(intent)) return problem(at, 'must be an object with steps');
    for (const key of Object.keys(intent)) {
      if (!INTENT_FIELDS.includes(key)) problem(`${at}.${key}`, `is not an intent field (${INTENT_FIELDS.join(', ')})`);
    }
    if (intent.name !== undefined && (typeof intent.name !== 'string' || !NAME.test(intent.name))) {
      problem(`${at}.name`, 'must be 1 to 64 characters');
    }
    if (
      intent.gap !== undefined &&
      !(Number.isInteger(intent.gap) && Number(intent.gap) >= 0 && Number(intent.gap) <= MAX_INTENT_GAP)
    ) {
      problem(`${at}.gap`, `must be a whole number from 0 to ${MAX_INTENT_GAP}`);
    }
    const { steps } = intent;
    if (!Array.isArray(steps) || steps.length === 0 || steps.length > MAX_INTENT_STEPS) {
      problem(`${at}.steps`, `must be a list of 1 to ${MAX_INTENT_STEPS} patterns`);
    } else {
      steps.forEach((step: unknown, stepIndex) =>
        checkIntentPattern(step, `${at}.steps[${stepIndex}]`, lists, problem),
      );
    }
    for (const list of INTENT_PATTERN_LISTS) {
      const entries = intent[list];
      if (entries === undefined) continue;
      if (!Array.isArray(entries) || entries.length > MAX_ENTRIES_PER_LIST) {
        problem(`${at}.${list}`, `must be a list of at most ${MAX_ENTRIES_PER_LIST} patterns`);
        continue;
      }
      entries.forEach((entry: unknown, entryIndex) =>
        checkIntentPattern(entry, `${at}.${list}[${entryIndex}]`, lists, problem),
      );
    }
  });
}

/** A part of an intent is whole words from a word's start; it may end inside a word ("extermina*"). */
function checkIntentPattern(entry: unknown, at: string, lists: WordLists, problem: Complaint): void {
  if (typeof entry !== 'string') return problem(at, 'must be a string');
  const parsed = parsePattern(entry, lists);
  if (!parsed.ok) return problem(at, `"${entry}" ${parsed.problem}`);
  if (parsed.pattern.openStart) problem(at, `"${entry}" starts with \`*\`: an intent reads whole words`);
}

/** The words an intent allows between two of its steps. */
export function intentGap(intent: IntentRule): number {
  return intent.gap ?? DEFAULT_INTENT_GAP;
}

/** How an intent is named in a decision. */
export function intentName(intent: IntentRule): string {
  return intent.name ?? intent.steps.join(' … ');
}

type Complaint = (path: string, message: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
