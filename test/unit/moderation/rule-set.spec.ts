import { DEFAULT_RULE_SET } from '../../../src/moderation/domain/default-rule-set';
import { compileRuleSet } from '../../../src/moderation/domain/policy';
import { CATEGORIES, validateRuleSet, type RuleSet } from '../../../src/moderation/domain/rule-set';

/** A valid rule set with one category's rules replaced; the rest empty. */
function ruleSetWith(rules: Record<string, unknown>): Record<string, unknown> {
  const categories = Object.fromEntries(CATEGORIES.map((category) => [category, { terms: [] }]));
  return { version: 'test-1', categories: { ...categories, HATE: rules } };
}

function problemsOf(input: unknown): Array<{ path: string; message: string }> {
  const check = validateRuleSet(input);
  return check.ok ? [] : check.problems;
}

describe('validateRuleSet: admin input', () => {
  it('accepts the default rule set, also after a round trip through JSON', () => {
    const check = validateRuleSet(JSON.parse(JSON.stringify(DEFAULT_RULE_SET)));
    expect(check).toEqual({ ok: true, ruleSet: DEFAULT_RULE_SET });
  });

  it('accepts a category with only terms', () => {
    expect(problemsOf(ruleSetWith({ terms: ['kike'] }))).toEqual([]);
  });

  it.each([
    ['null', null, ''],
    ['a list', [], ''],
    ['a string', 'rules', ''],
  ])('refuses %s', (_kind, input, path) => {
    expect(problemsOf(input)).toEqual([{ path, message: 'must be an object' }]);
  });

  it('names every problem with its path, not just the first', () => {
    const input = {
      version: 'has spaces',
      extra: true,
      categories: { HATE: { terms: 'kike', extra: [] }, SPAM: { terms: [] } },
    };
    expect(problemsOf(input)).toEqual(
      expect.arrayContaining([
        { path: 'extra', message: 'is not a rule set field' },
        { path: 'version', message: expect.stringContaining('1 to 64') },
        { path: 'categories.SPAM', message: expect.stringContaining('is not a category') },
        { path: 'categories.THREAT', message: 'is missing or not an object' },
        { path: 'categories.SELF_HARM', message: 'is missing or not an object' },
        { path: 'categories.SEXUAL', message: 'is missing or not an object' },
        { path: 'categories.PERSONAL_INFO', message: 'is missing or not an object' },
        { path: 'categories.HATE.extra', message: expect.stringContaining('is not a list of rules') },
        { path: 'categories.HATE.terms', message: 'must be a list of strings' },
      ]),
    );
    expect(problemsOf(input)).toHaveLength(9);
  });

  it('requires terms but not phrases or allow', () => {
    expect(problemsOf(ruleSetWith({ phrases: [] }))).toEqual([
      { path: 'categories.HATE.terms', message: 'must be a list of strings' },
    ]);
  });

  it.each([
    ['a number', 7, 'must be a string'],
    ['an unclosed group', '(i will|ill kill you', 'without its `)`'],
    ['a group inside a group', '((a|b)|c) d', 'group inside a group'],
    ['an empty alternative', '(really|) kill you', 'empty alternative'],
    ['a `*` in the middle', 'ki*ll', 'not at its very start or end'],
    ['a `?` after a word', 'really? kill', 'only a group can be optional'],
    ['a stray `|`', 'kill | murder', 'outside a group'],
    ['a stray `}`', 'kill you}', 'outside a group'],
    ['a group joined to a word', 'kill(s) you', 'joined to a word'],
    ['a word list that does not exist', '{i_will} kill you', 'not a word list'],
    ['a word with no letters or digits', '!!!', 'no letters or digits'],
    ['only optional words', '(really)?', 'empty text'],
    ['more than 500 characters', 'a'.repeat(501), 'longer than 500'],
  ])('refuses a phrase with %s', (_kind, phrase, message) => {
    expect(problemsOf(ruleSetWith({ terms: [], phrases: [phrase] }))).toEqual([
      { path: 'categories.HATE.phrases[0]', message: expect.stringContaining(message) },
    ]);
  });

  it('checks word lists, and the patterns that use them', () => {
    const input = {
      ...ruleSetWith({ terms: ['{slur}', '{nothing}'], phrases: ['{i_will} kill (you|{victim})', 'hi{victim}'] }),
      lists: {
        slur: ['kike', 'spic'],
        i_will: ['i will', 'ill'],
        victim: ['you', 'your mom'],
        Bad: ['x'],
        odd: ['(a|b)'],
      },
    };
    expect(problemsOf(input)).toEqual([
      { path: 'lists.Bad', message: expect.stringContaining('lower-case') },
      { path: 'lists.odd', message: expect.stringContaining('cannot use ( ) | ? * { }') },
      { path: 'categories.HATE.terms[1]', message: expect.stringContaining('{nothing}, which is not a word list') },
      { path: 'categories.HATE.phrases[1]', message: expect.stringContaining('joined to a word') },
    ]);
  });

  it.each([
    ['not an object', ['i will']],
    ['a list that is empty', { i_will: [] }],
    ['a list of numbers', { i_will: [1, 2] }],
  ])('refuses word lists that are %s', (_kind, lists) => {
    expect(problemsOf({ ...ruleSetWith({ terms: [] }), lists })).toEqual([
      { path: expect.stringMatching(/^lists/), message: expect.any(String) },
    ]);
  });

  it('refuses a term of several words: context belongs in phrases', () => {
    expect(problemsOf(ruleSetWith({ terms: ['ok', 'gas the jews'] }))).toEqual([
      { path: 'categories.HATE.terms[1]', message: expect.stringContaining('put it in phrases') },
    ]);
  });

  it('refuses a list of more than 2000 entries', () => {
    const terms = Array.from({ length: 2001 }, (_, index) => `word${index}`);
    expect(problemsOf(ruleSetWith({ terms }))).toEqual([
      { path: 'categories.HATE.terms', message: 'has more than 2000 entries' },
    ]);
  });

  it('will not compile a rule set that does not validate', () => {
    const broken = ruleSetWith({ terms: ['(open'] }) as unknown as RuleSet;
    expect(() => compileRuleSet(broken)).toThrow(/categories\.HATE\.terms\[0\]/);
  });
});

describe('validateRuleSet: formats and intents', () => {
  const intent = { name: 'hurt you', steps: ['{me}', 'hurt', 'you'], gap: 2, breaks: ['never'], unless: ['round'] };
  const format2 = (rules: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    ...ruleSetWith(rules),
    format: 2,
    lists: { me: ['i will', 'ill'] },
    ...extra,
  });

  it('loads a stored rule set of format 1, which has no format field, and compiles it as before', () => {
    const stored = {
      version: 'default-1',
      lists: { you: ['you', 'u'] },
      categories: {
        ...Object.fromEntries(CATEGORIES.map((category) => [category, { terms: [] }])),
        THREAT: { terms: [], phrases: ['(i will|ill) kill {you}'], allow: [] },
      },
    };
    expect(problemsOf(JSON.parse(JSON.stringify(stored)))).toEqual([]);
    expect(problemsOf({ ...stored, format: 1 })).toEqual([]);
    expect(() => compileRuleSet(stored as unknown as RuleSet)).not.toThrow();
  });

  it('accepts intents in a rule set of format 2', () => {
    expect(problemsOf(format2({ terms: [], intents: [intent, { steps: ['death to', '(them|those)'] }] }))).toEqual([]);
  });

  it('refuses intents in a rule set of format 1, and formats it does not know', () => {
    expect(problemsOf({ ...format2({ terms: [], intents: [intent] }), format: undefined })).toEqual([
      { path: 'categories.HATE.intents', message: 'needs a rule set of format 2' },
    ]);
    expect(problemsOf(format2({ terms: [] }, { format: 3 }))).toEqual([
      { path: 'format', message: 'must be one of 1, 2' },
    ]);
  });

  it.each([
    ['not a list', 'hurt you', 'categories.HATE.intents', 'must be a list of intents'],
    ['not an object', ['hurt you'], 'categories.HATE.intents[0]', 'must be an object with steps'],
    ['no steps', [{ name: 'x' }], 'categories.HATE.intents[0].steps', 'must be a list of 1 to 8 patterns'],
    ['no step at all', [{ steps: [] }], 'categories.HATE.intents[0].steps', 'must be a list of 1 to 8 patterns'],
    [
      'nine steps',
      [{ steps: Array(9).fill('a') }],
      'categories.HATE.intents[0].steps',
      'must be a list of 1 to 8 patterns',
    ],
    ['a broken step', [{ steps: ['{me}', '(hurt'] }], 'categories.HATE.intents[0].steps[1]', 'without its `)`'],
    ['a step of an unknown list', [{ steps: ['{nobody}'] }], 'categories.HATE.intents[0].steps[0]', 'not a word list'],
    ['a step inside a word', [{ steps: ['*hurt'] }], 'categories.HATE.intents[0].steps[0]', 'intent reads whole words'],
    ['a gap of 5', [{ steps: ['hurt'], gap: 5 }], 'categories.HATE.intents[0].gap', 'from 0 to 4'],
    ['a gap that is not whole', [{ steps: ['hurt'], gap: 1.5 }], 'categories.HATE.intents[0].gap', 'from 0 to 4'],
    ['breaks that are not a list', [{ steps: ['hurt'], breaks: 'never' }], 'categories.HATE.intents[0].breaks', 'list'],
    [
      'a broken unless entry',
      [{ steps: ['hurt'], unless: ['round|'] }],
      'categories.HATE.intents[0].unless[0]',
      'outside a group',
    ],
    ['an empty name', [{ steps: ['hurt'], name: '' }], 'categories.HATE.intents[0].name', '1 to 64 characters'],
    [
      'a field it does not know',
      [{ steps: ['hurt'], window: 3 }],
      'categories.HATE.intents[0].window',
      'not an intent field',
    ],
  ])('refuses intents that are %s', (_kind, intents, path, message) => {
    expect(problemsOf(format2({ terms: [], intents }))).toEqual([{ path, message: expect.stringContaining(message) }]);
  });
});
