import fc from 'fast-check';
import { DEFAULT_RULE_SET } from '../../../src/moderation/domain/default-rule-set';
import {
  compileRuleSet,
  evaluate,
  SURFACES,
  type CompiledRuleSet,
  type Surface,
} from '../../../src/moderation/domain/policy';
import { CATEGORIES, type Category, type CategoryRules, type RuleSet } from '../../../src/moderation/domain/rule-set';

const defaults = compileRuleSet(DEFAULT_RULE_SET);
const NAMES: Surface[] = ['display_name', 'team_name', 'room_name'];
const MESSAGES: Surface[] = ['chat', 'roast'];

function ruleSet(rules: Partial<Record<Category, CategoryRules>>, version = 'test-1'): RuleSet {
  const empty = Object.fromEntries(CATEGORIES.map((category): [Category, CategoryRules] => [category, { terms: [] }]));
  return { version, categories: { ...(empty as Record<Category, CategoryRules>), ...rules } };
}

function categoryOf(text: string, rules: RuleSet | CompiledRuleSet, surface: Surface = 'chat'): Category | null {
  return evaluate(text, rules, { surface }).category;
}

describe('evaluate: decisions', () => {
  it('allows with no code and blocks with CONTENT_BLOCKED, the category and the rule that fired', () => {
    expect(evaluate('good game everyone', defaults)).toEqual({ allowed: true, code: null, category: null });
    expect(evaluate('you are a kike', defaults)).toEqual({
      allowed: false,
      code: 'CONTENT_BLOCKED',
      category: 'HATE',
      term: '*kike*',
    });
  });

  it('reads a text as chat when no surface is given', () => {
    // Allowed in chat, blocked in a name: the default cannot be a name surface.
    expect(evaluate('retardsquad', defaults).allowed).toBe(true);
    expect(evaluate('retardsquad', defaults, { surface: 'display_name' }).allowed).toBe(false);
  });

  it('takes a plain rule set as well as a compiled one, with the same verdicts', () => {
    for (const text of ['i will kill you', 'kys', 'Scunthorpe', 'sam at gmail dot com', 'hello']) {
      expect(evaluate(text, DEFAULT_RULE_SET)).toEqual(evaluate(text, defaults));
    }
  });

  it('reports the most severe category when a text is several things at once', () => {
    expect(categoryOf('i will fucking kill you', defaults)).toBe('THREAT');
    expect(categoryOf('kill yourself faggot', defaults)).toBe('SELF_HARM');
    expect(categoryOf('fuck you, call me on 555-123-4567', defaults)).toBe('SEXUAL');
  });
});

describe('evaluate: the rule language', () => {
  const rules = compileRuleSet(
    ruleSet({
      HATE: { terms: ['kike', 'fuck*', '*cunt*', '*head'], allow: ['scunthorpe*', '*redhead*'] },
      THREAT: { terms: [], phrases: ['(i will|ill) (really)? (kill|hurt) (you|u)'] },
      SEXUAL: { terms: ['ass', 'slut'], allow: ['fuckface'] },
    }),
  );

  it.each([
    ['a whole word', 'you kike', 'HATE'],
    ['a whole word', 'kikes', null],
    ['a prefix', 'fucking hell', 'HATE'],
    ['a prefix', 'motherfucking', null],
    ['anywhere in a word', 'xxcuntxx', 'HATE'],
    ['a suffix', 'you bighead', 'HATE'],
    ['a suffix', 'headache', null],
  ])('matches a term as %s: "%s"', (_kind, text, category) => {
    expect(categoryOf(text, rules)).toBe(category);
  });

  it('allows a hit that an allow entry of its own category covers, and only that hit', () => {
    expect(categoryOf('Scunthorpe', rules)).toBeNull();
    expect(categoryOf("Scunthorpe's mayor", rules)).toBeNull();
    expect(categoryOf('a redhead', rules)).toBeNull();
    expect(categoryOf('a bighead', rules)).toBe('HATE');
    expect(categoryOf('Scunthorpecunt', rules)).toBeNull(); // the `*` of "scunthorpe*" allows the whole word
    expect(categoryOf('Scunthorpe is full of cunts', rules)).toBe('HATE');
    // "fuckface" is allowed under SEXUAL, which does not excuse a HATE hit
    expect(categoryOf('fuckface', rules)).toBe('HATE');
  });

  it('blocks a phrase only as a whole, with its optional words', () => {
    expect(categoryOf('i will kill you', rules)).toBe('THREAT');
    expect(categoryOf("I'll really hurt u", rules)).toBe('THREAT');
    expect(categoryOf('i will kill it', rules)).toBeNull();
    expect(categoryOf('the boss will kill you', rules)).toBeNull();
    expect(categoryOf('i will kill your king', rules)).toBeNull();
  });

  it('lets a letter written once be typed many times, but not a doubled one be typed once', () => {
    expect(categoryOf('aaasssss', rules)).toBe('SEXUAL');
    expect(categoryOf('as', rules)).toBeNull();
    expect(categoryOf('sluuuuuut', rules)).toBe('SEXUAL');
  });

  it('reads 1 and | as i or as l', () => {
    expect(categoryOf('s1ut', rules)).toBe('SEXUAL');
    expect(categoryOf('k1ke', rules)).toBe('HATE');
    expect(categoryOf('s|ut', rules)).toBe('SEXUAL');
  });
});

describe('evaluate: surfaces', () => {
  it.each(SURFACES)('blocks the plain harm on %s', (surface) => {
    expect(categoryOf('i will kill you', defaults, surface)).toBe('THREAT');
    expect(categoryOf('kys', defaults, surface)).toBe('SELF_HARM');
    expect(categoryOf('sam@example.com', defaults, surface)).toBe('PERSONAL_INFO');
  });

  it.each(SURFACES)('allows ordinary words on %s', (surface) => {
    expect(categoryOf('Scunthorpe Cocktail Club', defaults, surface)).toBeNull();
    expect(categoryOf('Killer Queen', defaults, surface)).toBeNull();
  });

  it.each(NAMES)('finds long words and phrases run together in a %s', (surface) => {
    expect(categoryOf('RetardSquad', defaults, surface)).toBe('HATE');
    expect(categoryOf('killyourself', defaults, surface)).toBe('SELF_HARM');
    expect(categoryOf('TherapistTom', defaults, surface)).toBeNull();
  });

  it.each(MESSAGES)('reads a %s by its words, except for phrases run together', (surface) => {
    expect(categoryOf('RetardSquad', defaults, surface)).toBeNull();
    expect(categoryOf('killyourself', defaults, surface)).toBe('SELF_HARM');
  });

  it.each(NAMES)('refuses seven digits in a %s, however they are spaced', (surface) => {
    expect(categoryOf('Player 5551234', defaults, surface)).toBe('PERSONAL_INFO');
    expect(categoryOf('Player 555 12 34', defaults, surface)).toBe('PERSONAL_INFO');
    expect(categoryOf('Player 2024', defaults, surface)).toBeNull();
  });

  it.each(MESSAGES)('allows seven digits in a %s unless they are laid out like a phone number', (surface) => {
    expect(categoryOf('my high score is 5551234', defaults, surface)).toBeNull();
    expect(categoryOf('call 555-1234', defaults, surface)).toBe('PERSONAL_INFO');
  });

  it('reads words typed letter by letter run together, in messages too', () => {
    expect(categoryOf('you are a f a g', defaults)).toBe('HATE');
    expect(categoryOf('i will k i l l u', defaults)).toBe('THREAT');
    expect(categoryOf('g g w p', defaults)).toBeNull();
    expect(categoryOf('c o c k t a i l s', defaults)).toBeNull();
  });
});

describe('evaluate: personal information', () => {
  it.each([
    '555-123-4567',
    '(555) 123-4567',
    '555.123.4567',
    '555 123 4567',
    '5551234567',
    '+1 555 123 4567',
    '+44 20 7946 0958',
    '0044 20 7946 0958',
    '+33 6 12 34 56 78',
    '06 12 34 56 78',
    '07700 900123',
    '1-800-555-0199',
    '555-123-4567 2024',
    '555-1234',
    'five five five one two three four five six seven',
    'sam@example.com',
    'sam.smith+games@mail.co.uk',
    'sam at gmail dot com',
    'sam (at) gmail (dot) com',
    'sam [at] mail [dot] co [dot] uk',
    'sam @ gmail . com',
  ])('finds %s', (text) => {
    expect(evaluate(`reach me: ${text}`, defaults)).toMatchObject({ allowed: false, category: 'PERSONAL_INFO' });
  });

  it.each([
    'final score 2024 - 3 - 1',
    'we won 21-18 21-15 21-19',
    '2024-03-01',
    'at 12:30',
    '1 000 000 000 gold',
    '1 2 3 4 5 6 7 8 9 10',
    'zero one two three four five six seven eight nine',
    '192.168.1.1',
    'hello@ everyone',
    '@everyone',
    'look at google dot com',
    'the bomb dot com',
  ])('allows %s', (text) => {
    expect(evaluate(text, defaults).allowed).toBe(true);
  });
});

describe('evaluate: rules are data', () => {
  it('follows an admin change at once: the new rule set is a new object', () => {
    const before = ruleSet({ SEXUAL: { terms: [] } }, 'v1');
    const after = ruleSet({ SEXUAL: { terms: ['frick*'] } }, 'v2');
    expect(evaluate('fricking lag', before).allowed).toBe(true);
    expect(evaluate('fricking lag', after)).toMatchObject({ allowed: false, category: 'SEXUAL', term: 'frick*' });
    expect(evaluate('fricking lag', before).allowed).toBe(true);
  });

  it('compiles rules written with disguises the same as plain ones', () => {
    const rules = compileRuleSet(ruleSet({ HATE: { terms: ['Ｋ1ke'], phrases: ["I'll getcha"] } }));
    expect(categoryOf('kike', rules)).toBe('HATE');
    expect(categoryOf('i will getcha', rules)).toBe('HATE');
  });

  it('shares word lists between patterns, as groups or inside them', () => {
    const rules = compileRuleSet({
      ...ruleSet({ THREAT: { terms: [], phrases: ['({i_will}|gonna) smash {you}'] } }),
      lists: { i_will: ['i will', 'imma'], you: ['you', 'your face'] },
    });
    expect(categoryOf('imma smash your face', rules)).toBe('THREAT');
    expect(categoryOf('gonna smash you', rules)).toBe('THREAT');
    expect(categoryOf('i will smash it', rules)).toBeNull();
  });

  it('keeps its version', () => {
    expect(compileRuleSet(ruleSet({}, '2025-06-01.2')).version).toBe('2025-06-01.2');
  });
});

describe('evaluate: intents', () => {
  const rules = compileRuleSet({
    ...ruleSet({
      THREAT: {
        terms: [],
        intents: [
          {
            name: 'a threat',
            steps: ['{me}', '(hurt|stab)', '{you}'],
            gap: 2,
            breaks: ['(not|never)'],
            unless: ['next round'],
          },
        ],
        allow: ['{me} stab {you} in the back'],
      },
      HATE: { terms: [], intents: [{ steps: ['{people}', '(are|is)', '(vermin|rats)'] }] },
    }),
    format: 2,
    lists: { me: ['i will', 'ill', 'im gonna'], you: ['you', 'u', 'your mom'], people: ['goblins', 'the orcs'] },
  });

  it('finds the steps in order with up to `gap` other words between them, and reports the intent by name', () => {
    expect(evaluate('ill stab you', rules)).toEqual({
      allowed: false,
      code: 'CONTENT_BLOCKED',
      category: 'THREAT',
      term: 'a threat',
    });
    expect(categoryOf('i will really badly hurt your mom', rules)).toBe('THREAT');
    expect(categoryOf('ok so im gonna, like, stab u', rules)).toBe('THREAT');
    expect(categoryOf('i will really very badly hurt you', rules)).toBeNull(); // three words between
    expect(categoryOf('you will hurt me', rules)).toBeNull(); // out of order
    expect(categoryOf('stab you', rules)).toBeNull(); // a step missing
  });

  it('finds intents through the disguises the words are read through', () => {
    // Texts without any word an intent needs are not read for intents: the check must see through these too.
    expect(categoryOf('ill really st4bbb u', rules)).toBe('THREAT');
    expect(categoryOf('i will really hvrt you', rules)).toBeNull();
    expect(categoryOf('I WILL REALLY H U R T YOU', rules)).toBe('THREAT');
    expect(categoryOf('the 0rcs are just r4ts', rules)).toBe('HATE');
    expect(categoryOf('the orcs are just ra|s', rules)).toBeNull();
    expect(categoryOf('i will really ki11 you', defaults)).toBe('THREAT');
  });

  it('names an intent without a name by its steps', () => {
    expect(evaluate('the orcs are just rats', rules)).toMatchObject({
      category: 'HATE',
      term: '{people} … (are|is) … (vermin|rats)',
    });
  });

  it('does not count with a break word between the steps or just before the first', () => {
    expect(categoryOf('i will never hurt you', rules)).toBeNull();
    expect(categoryOf('not ill stab you', rules)).toBeNull();
    expect(categoryOf('never mind, ill stab you', rules)).toBe('THREAT');
  });

  it('does not count in a text that holds one of its unless entries, anywhere', () => {
    expect(categoryOf('ill stab you next round', rules)).toBeNull();
    expect(categoryOf('next round is mine and ill stab you', rules)).toBeNull();
  });

  it('is excused by an allow entry of its category that covers the whole match', () => {
    expect(categoryOf('ill stab you in the back', rules)).toBeNull();
    expect(categoryOf('ill stab you in the face', rules)).toBe('THREAT');
  });

  it('reads the words of a camel-case name', () => {
    expect(categoryOf('IllStabYou', rules, 'display_name')).toBe('THREAT');
    expect(categoryOf('IllStabYou', rules, 'chat')).toBeNull();
  });
});

describe('evaluate: the default intents', () => {
  it.each<[string, Category]>([
    ['ill beat you to death', 'THREAT'],
    ['i am going to really beat the crap out of you', 'THREAT'],
    ['i will snap your neck', 'THREAT'],
    ['i will kill you for real after this game', 'THREAT'],
    ['you should just kill yourself', 'SELF_HARM'],
    ['do everyone a favour and die', 'SELF_HARM'],
    ['the world would be better off without you', 'SELF_HARM'],
    ['immigrants should all die', 'HATE'],
    ['gay people are nothing but animals', 'HATE'],
    ['we need to get rid of all the muslims', 'HATE'],
  ])('blocks "%s" as %s', (text, category) => {
    expect(categoryOf(text, defaults)).toBe(category);
  });

  it.each([
    "I'll kill it on stage",
    'this roast is killer',
    "you're dead wrong",
    'my phone died',
    'kill the mafia tonight',
    'vote him out',
    'the werewolves should all die',
    "i'll kill you next round",
    "I'll beat you next game",
    'i would never hurt you',
    'please do not kill yourself',
    'jews are not animals',
    'immigrants are welcome here',
  ])('allows "%s"', (text) => {
    expect(categoryOf(text, defaults)).toBeNull();
  });
});

describe('evaluate: properties', () => {
  const SEED = 7;
  const PADDING = ['gg', 'lol', 'ok', 'team', 'round', 'nice', 'play', 'again', '2024', '!!'];

  it('answers any text, however malformed, with a well-formed decision', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(...SURFACES), (text, surface) => {
        const decision = evaluate(text, defaults, { surface });
        if (decision.allowed) expect(decision).toEqual({ allowed: true, code: null, category: null });
        else expect(CATEGORIES).toContain(decision.category);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('gives the same verdict when invisible characters are slipped in anywhere', () => {
    const invisible = fc.constantFrom('\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u200E');
    const examples = fc.constantFrom('i will kill you', 'kys', 'sam@mail.com', 'Scunthorpe');
    const text = fc.oneof(fc.string({ maxLength: 60 }), examples);
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 8 }), (plain, insertions) => {
        let disguised = plain;
        for (const [position, char] of insertions) {
          const at = position % (disguised.length + 1);
          disguised = disguised.slice(0, at) + char + disguised.slice(at);
        }
        expect(evaluate(disguised, defaults)).toEqual(evaluate(plain, defaults));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('still blocks a harmful phrase among ordinary words', () => {
    const harmful = fc.constantFrom<[string, Category]>(
      ['i will kill you', 'THREAT'],
      ['kill yourself', 'SELF_HARM'],
      ['n1gger', 'HATE'],
      ['fuuuck', 'SEXUAL'],
      ['call 555-123-4567', 'PERSONAL_INFO'],
    );
    const words = fc.array(fc.constantFrom(...PADDING), { maxLength: 5 });
    fc.assert(
      fc.property(words, harmful, words, (before, [phrase, category], after) => {
        const text = [...before, phrase, ...after].join(' ');
        expect(evaluate(text, defaults)).toMatchObject({ allowed: false, category });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
