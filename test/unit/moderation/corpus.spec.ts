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

const corpus = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/moderation/corpus.json'), 'utf8'),
) as Example[];
const rules = compileRuleSet(DEFAULT_RULE_SET);
const MAX_SHARE_OF_HARMLESS_BLOCKED = 0.02;

function verdictOn(example: Example): Decision {
  return evaluate(example.text, rules, { surface: example.surface ?? 'chat' });
}

function describeExample({ text, surface }: Example): string {
  return `${JSON.stringify(text)}${surface === undefined ? '' : ` (${surface})`}`;
}

describe('the labelled corpus', () => {
  const verdicts = corpus.map((example) => ({ example, decision: verdictOn(example) }));
  const harmful = verdicts.filter(({ example }) => example.harmful);
  const harmless = verdicts.filter(({ example }) => !example.harmful);
  const blockedHarmless = harmless.filter(({ decision }) => !decision.allowed);

  afterAll(() => {
    const truePositives = harmful.filter(({ decision }) => !decision.allowed).length;
    const precision = truePositives / (truePositives + blockedHarmless.length);
    const recall = truePositives / harmful.length;
    const perCategory = CATEGORIES.map(
      (category) => `${category} ${harmful.filter(({ example }) => example.category === category).length}`,
    );
    const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
    console.log(
      [
        `content policy on ${corpus.length} labelled examples:`,
        `  ${harmful.length} harmful (${perCategory.join(', ')}), ${harmless.length} harmless`,
        `  precision ${percent(precision)}, recall ${percent(recall)}, harmless blocked ${blockedHarmless.length}`,
        ...blockedHarmless.map(
          ({ example, decision }) => `  blocked harmless: ${describeExample(example)} as ${decision.category}`,
        ),
      ].join('\n'),
    );
  });

  it('is well formed, large enough, and has harmful examples of every category', () => {
    for (const example of corpus) {
      expect(typeof example.text === 'string' && example.text.length > 0).toBe(true);
      expect(example.category === null).toBe(!example.harmful);
      if (example.category !== null) expect(CATEGORIES).toContain(example.category);
      if (example.surface !== undefined) expect(SURFACES).toContain(example.surface);
    }
    const keys = corpus.map((example) => `${example.surface ?? 'chat'}:${example.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(harmful.length).toBeGreaterThanOrEqual(150);
    expect(harmless.length).toBeGreaterThanOrEqual(150);
    for (const category of CATEGORIES) {
      expect(harmful.filter(({ example }) => example.category === category).length).toBeGreaterThanOrEqual(25);
    }
  });

  it('blocks every harmful example, under its category', () => {
    const wrong = harmful
      .filter(({ example, decision }) => decision.category !== example.category)
      .map(
        ({ example, decision }) =>
          `${describeExample(example)}: ${decision.category ?? 'allowed'}, not ${example.category}`,
      );
    expect(wrong).toEqual([]);
  });

  it('blocks at most 2% of the harmless examples', () => {
    expect(blockedHarmless.length).toBeLessThanOrEqual(Math.floor(harmless.length * MAX_SHARE_OF_HARMLESS_BLOCKED));
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
  a: 'а', c: 'с', e: 'е', i: 'і', o: 'о', p: 'р', s: 'ѕ', x: 'х', y: 'у',
};

/** How players disguise a text. Leetspeak keeps each word's first letter, as people write it ("k1ll", not "<1||"). */
const DISGUISES: Record<string, (text: string) => string> = {
  leetspeak: (text) =>
    text.replace(/\p{L}+/gu, (word) => word[0] + [...word.slice(1)].map((char) => LEET[char] ?? char).join('')),
  'spaced letters': (text) => [...text.replace(/\s+/g, '')].join(' '),
  'dotted letters': (text) => text.split(' ').map((word) => [...word].join('.')).join(' '),
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
