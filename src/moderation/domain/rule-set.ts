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
}

/** Term lists are data: an admin edits this object at run time; it travels and is stored as JSON. */
export interface RuleSet {
  version: string;
  /** Named word lists the patterns share as `{name}`, e.g. `i_will: ["i will", "ill", "im gonna"]`. */
  lists?: Record<string, string[]>;
  categories: Record<Category, CategoryRules>;
}

export interface RuleSetProblem {
  /** Where in the input, e.g. `categories.HATE.terms[3]`. */
  path: string;
  message: string;
}

export type RuleSetCheck = { ok: true; ruleSet: RuleSet } | { ok: false; problems: RuleSetProblem[] };

const VERSION = /^[\w.:+-]{1,64}$/;
const FIELDS = ['version', 'lists', 'categories'];
const RULE_LISTS = ['terms', 'phrases', 'allow'] as const;
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
      checkCategory(categories[category], `categories.${category}`, lists, problem);
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

function checkCategory(rules: unknown, path: string, lists: WordLists, problem: Complaint): void {
  if (!isRecord(rules)) return problem(path, 'is missing or not an object');
  for (const key of Object.keys(rules)) {
    if (!(RULE_LISTS as readonly string[]).includes(key)) {
      problem(`${path}.${key}`, 'is not a list of rules (terms, phrases, allow)');
    }
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

type Complaint = (path: string, message: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
