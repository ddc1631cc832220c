import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULE_SET } from '../../../src/moderation/domain/default-rule-set';
import { compileRuleSet, evaluate, SURFACES, type Decision, type Surface } from '../../../src/moderation/domain/policy';
import { CATEGORIES, type Category } from '../../../src/moderation/domain/rule-set';

/** One labelled text; `surface` defaults to chat. */
interface Example {
  text: string;
  harmful: boolean;
  category: Category | null;
  surface?: Surface;
  note?: string;
}

interface Verdict {
  example: Example;
  decision: Decision;
}

interface Score {
  precision: number;
  recall: number;
  /** Labelled this category (or harmful at all). */
  labelled: number;
  /** Blocked as this category (or blocked at all). */
  blocked: number;
}

function fixture(name: string): Example[] {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/moderation', name), 'utf8')) as Example[];
}

/**
 * The tuning part is what the rules were written and adjusted against. The held-out part was split off
 * before the intent rules were written (FNV-1a of `HOLD_OUT_SEED:surface:text`, bucket below
 * `HOLD_OUT_PERCENT`, among the examples added with them) and is never tuned on: a held-out miss is
 * reported, not fixed by a rule made for it.
 */
const tuning = fixture('corpus.json');
const heldOut = fixture('held-out.json');
const HOLD_OUT_SEED = 'arena-holdout-1';
const HOLD_OUT_PERCENT = 34;
const rules = compileRuleSet(DEFAULT_RULE_SET);
const MAX_SHARE_OF_HARMLESS_BLOCKED = 0.02;
/**
 * Floors, overall and for each category: the tuning part is held to what tuning must reach; the held-out
 * part to what the rules reached on it when it was first read (precision 96% and recall 86% in its weakest
 * category, THREAT), less a margin.
 */
const FLOORS = {
  tuning: { precision: 0.95, recall: 0.9 },
  heldOut: { precision: 0.9, recall: 0.8 },
};
const TIMING_ROUNDS = 10;
const TIMING_RUNS = 5;

function verdictOn(example: Example): Decision {
  return evaluate(example.text, rules, { surface: example.surface ?? 'chat' });
}

function describeExample({ text, surface }: Example): string {
  return `${JSON.stringify(text)}${surface === undefined ? '' : ` (${surface})`}`;
}

function holdOutBucket({ text, surface }: Example): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${HOLD_OUT_SEED}:${surface ?? 'chat'}:${text}`, 'utf8')) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash % 100;
}

/** Precision and recall of blocking at all (`category` undefined), or of blocking as one category. */
function score(verdicts: Verdict[], category?: Category): Score {
  const isLabelled = ({ example }: Verdict): boolean =>
    category === undefined ? example.harmful : example.category === category;
  const isBlocked = ({ decision }: Verdict): boolean =>
    category === undefined ? !decision.allowed : decision.category === category;
  const labelled = verdicts.filter(isLabelled).length;
  const blocked = verdicts.filter(isBlocked).length;
  const hits = verdicts.filter((verdict) => isLabelled(verdict) && isBlocked(verdict)).length;
  return {
    precision: blocked === 0 ? 1 : hits / blocked,
    recall: labelled === 0 ? 1 : hits / labelled,
    labelled,
    blocked,
  };
}

/** The figures of a part, and for the tuning part which examples it gets wrong: the held-out ones stay unread. */
function report(name: string, verdicts: Verdict[], listMistakes: boolean): string[] {
  const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
  const line = (label: string, { precision, recall, labelled, blocked }: Score): string =>
    `    ${label.padEnd(14)} precision ${percent(precision).padStart(6)}  recall ${percent(recall).padStart(6)}` +
    `  (${labelled} labelled, ${blocked} blocked)`;
  const harmless = verdicts.filter(({ example }) => !example.harmful);
  const misses = verdicts.filter(({ example, decision }) => example.harmful && decision.category !== example.category);
  const wrongBlocks = harmless.filter(({ decision }) => !decision.allowed);
  return [
    `  ${name}: ${verdicts.length} examples, ${verdicts.length - harmless.length} harmful, ${harmless.length} harmless`,
    line('any harm', score(verdicts)),
    ...CATEGORIES.map((category) => line(category, score(verdicts, category))),
    `    ${wrongBlocks.length} harmless blocked, ${misses.length} harmful missed or put under another category`,
    ...(listMistakes ? wrongBlocks : []).map(
      ({ example, decision }) => `    blocked harmless: ${describeExample(example)} as ${decision.category}`,
    ),
    ...(listMistakes ? misses : []).map(
      ({ example, decision }) =>
        `    missed: ${describeExample(example)} is ${example.category}, read as ${decision.category ?? 'allowed'}`,
    ),
  ];
}

describe('the labelled corpus', () => {
  const tuned = tuning.map((example) => ({ example, decision: verdictOn(example) }));
  const held = heldOut.map((example) => ({ example, decision: verdictOn(example) }));
  const all = [...tuning, ...heldOut];

  afterAll(() => {
    // A figure to compare before and after a change, not an assertion. CPU time rather than the clock, and
    // the best of a few runs, since other work on a busy machine stretches both.
    let microseconds = Infinity;
    for (let run = 0; run < TIMING_RUNS; run += 1) {
      const start = process.cpuUsage();
      for (let round = 0; round < TIMING_ROUNDS; round += 1) for (const example of all) verdictOn(example);
      const { user, system } = process.cpuUsage(start);
      microseconds = Math.min(microseconds, (user + system) / (TIMING_ROUNDS * all.length));
    }
    console.log(
      [
        `content policy (${DEFAULT_RULE_SET.version}) on ${all.length} labelled examples:`,
        ...report('tuning part', tuned, true),
        ...report('held-out part (never tuned on)', held, false),
        `  speed: ${microseconds.toFixed(1)} µs of CPU per text (the best of ${TIMING_RUNS} runs of ${TIMING_ROUNDS} rounds of the corpus)`,
      ].join('\n'),
    );
  });

  it('is well formed, large enough, and has harmful examples of every category in both parts', () => {
    for (const example of all) {
      expect(typeof example.text === 'string' && example.text.length > 0).toBe(true);
      expect(example.category === null).toBe(!example.harmful);
      if (example.category !== null) expect(CATEGORIES).toContain(example.category);
      if (example.surface !== undefined) expect(SURFACES).toContain(example.surface);
    }
    const keys = all.map((example) => `${example.surface ?? 'chat'}:${example.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(all.length).toBeGreaterThanOrEqual(1000);
    expect(heldOut.length).toBeGreaterThanOrEqual(all.length / 5);
    for (const part of [tuning, heldOut]) {
      expect(part.filter((example) => !example.harmful).length).toBeGreaterThanOrEqual(100);
      for (const category of CATEGORIES) {
        expect(part.filter((example) => example.category === category).length).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it('holds out only examples its seeded hash chose, so none can be moved there by hand', () => {
    expect(heldOut.filter((example) => holdOutBucket(example) >= HOLD_OUT_PERCENT).map(describeExample)).toEqual([]);
  });

  it.each([
    ['tuning', tuned, FLOORS.tuning],
    ['held-out', held, FLOORS.heldOut],
  ] as const)('reaches its floors on the %s part, overall and in every category', (_part, verdicts, floor) => {
    const below = [undefined, ...CATEGORIES].flatMap((category) => {
      const { precision, recall } = score(verdicts, category);
      const name = category ?? 'any harm';
      return [
        ...(precision < floor.precision ? [`${name} precision ${precision.toFixed(3)}`] : []),
        ...(recall < floor.recall ? [`${name} recall ${recall.toFixed(3)}`] : []),
      ];
    });
    expect(below).toEqual([]);
  });

  it('blocks at most 2% of the harmless examples it was tuned on', () => {
    const harmless = tuned.filter(({ example }) => !example.harmful);
    const blocked = harmless.filter(({ decision }) => !decision.allowed);
    expect(blocked.length).toBeLessThanOrEqual(Math.floor(harmless.length * MAX_SHARE_OF_HARMLESS_BLOCKED));
  });
});

/** Plain harmful texts; each disguise of each must still be blocked under the same category. */
const HARMFUL: Array<[string, Category]> = [
  ['i will kill you', 'THREAT'],
  ['i know where you live', 'THREAT'],
  ['im going to shoot up your school', 'THREAT'],
  ['i hope you die', 'THREAT'],
  ['kill yourself', 'SELF_HARM'],
  ['kys', 'SELF_HARM'],
  ['drink bleach', 'SELF_HARM'],
  ['nobody would miss you', 'SELF_HARM'],
  ['nigger', 'HATE'],
  ['faggot', 'HATE'],
  ['kike', 'HATE'],
  ['gas the jews', 'HATE'],
  ['fuck you', 'SEXUAL'],
  ['cunt', 'SEXUAL'],
  ['suck my dick', 'SEXUAL'],
  ['send nudes', 'SEXUAL'],
  ['sam at gmail dot com', 'PERSONAL_INFO'],
  ['mail sam@example.com', 'PERSONAL_INFO'],
  ['call 555 123 4567', 'PERSONAL_INFO'],
  ['text me on +44 20 7946 0958', 'PERSONAL_INFO'],
];

/** Harmless texts a naive filter blocks; the same disguises must leave them allowed. */
const HARMLESS = [
  'a killer app',
  'this level is sick',
  'dying of laughter',
  'shoot me a message',
  'Scunthorpe',
  'I will kill it at the talent show',
  'that roast was savage',
  'the bomb dot com',
  'execute the plan',
  'hello everyone',
  'cocktail',
  'grape',
  'therapist',
  'Essex',
  'analysis',
  'pen island',
  'classic',
  'I will destroy you at chess',
  'the boss will kill you',
  'final score 2024 - 3 - 1',
];

const LEET: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };
const CYRILLIC: Readonly<Record<string, string>> = {
  a: 'а',
  c: 'с',
  e: 'е',
  i: 'і',
  o: 'о',
  p: 'р',
  s: 'ѕ',
  x: 'х',
  y: 'у',
};

/** How players disguise a text. Leetspeak keeps each word's first letter, as people write it ("k1ll", not "<1||"). */
const DISGUISES: Record<string, (text: string) => string> = {
  leetspeak: (text) =>
    text.replace(/\p{L}+/gu, (word) => word[0] + [...word.slice(1)].map((char) => LEET[char] ?? char).join('')),
  'spaced letters': (text) => [...text.replace(/\s+/g, '')].join(' '),
  'dotted letters': (text) =>
    text
      .split(' ')
      .map((word) => [...word].join('.'))
      .join(' '),
  'zero-width spaces': (text) => [...text].join('\u200B'),
  'Cyrillic look-alikes': (text) => [...text].map((char) => CYRILLIC[char] ?? char).join(''),
  'fullwidth forms': (text) =>
    [...text]
      .map((char) => (char === ' ' ? '\u3000' : String.fromCodePoint((char.codePointAt(0) ?? 0) + 0xfee0)))
      .join(''),
  'repeated letters': (text) => text.replace(/\p{L}/gu, (letter) => letter.repeat(3)),
  accents: (text) => text.replace(/[aeiouy]/g, (vowel) => `${vowel}\u0301`),
  'alternating case': (text) =>
    [...text].map((char, at) => (at % 2 === 0 ? char.toLowerCase() : char.toUpperCase())).join(''),
};
/** Digits and addresses are not written in leetspeak, letter by letter or with stretched vowels. */
const NOT_FOR_CONTACT_DETAILS = new Set(['leetspeak', 'spaced letters', 'dotted letters', 'repeated letters']);
/** Typing a whole harmless sentence letter by letter runs its words together, which is read strictly. */
const ONLY_FOR_SINGLE_WORDS = new Set(['spaced letters', 'dotted letters']);

describe('systematic disguises', () => {
  const harmfulCases = HARMFUL.flatMap(([text, category]) =>
    Object.entries(DISGUISES)
      .filter(([name]) => category !== 'PERSONAL_INFO' || !NOT_FOR_CONTACT_DETAILS.has(name))
      .map(([name, disguise]) => ({ name, text, disguised: disguise(text), category })),
  );
  const harmlessCases = HARMLESS.flatMap((text) =>
    Object.entries(DISGUISES)
      .filter(([name]) => !text.includes(' ') || !ONLY_FOR_SINGLE_WORDS.has(name))
      .map(([name, disguise]) => ({ name, text, disguised: disguise(text) })),
  );

  it('disguises every text (a disguise that changes nothing tests nothing)', () => {
    const unchanged = [...harmfulCases, ...harmlessCases].filter(({ text, disguised }) => disguised === text);
    expect(unchanged.map(({ name, text }) => `${name}: ${text}`)).toEqual([]);
  });

  it.each(harmfulCases)('blocks $name of "$text" as $category: $disguised', ({ disguised, category }) => {
    expect(evaluate(disguised, rules)).toMatchObject({ allowed: false, category });
  });

  it.each(harmlessCases)('allows $name of "$text": $disguised', ({ disguised }) => {
    expect(evaluate(disguised, rules)).toEqual({ allowed: true, code: null, category: null });
  });
});
