import { findInputProblem, isStorableText, MAX_INPUT_DEPTH } from '../../src/common/errors/input-bounds';

const nested = (levels: number, inner: unknown = 'x') =>
  Array.from({ length: levels }).reduce<unknown>((value) => [value], inner);

describe('input bounds', () => {
  it('accepts text PostgreSQL stores, including paired surrogates (emoji)', () => {
    for (const text of ['', 'plain', 'tab\tand\nnewline', 'caf\u00e9', '\ud83d\ude00 grin', '\u202e'])
      expect(isStorableText(text)).toBe(true);
  });

  it('refuses NUL and unpaired surrogates', () => {
    for (const text of ['\u0000', 'a\u0000b', '\ud800', 'a\ud83d', '\ude00b', '\ude00\ud83d'])
      expect(isStorableText(text)).toBe(false);
  });

  it('names the field that holds bad text, in values and in keys, at any position', () => {
    expect(findInputProblem({ a: 'ok', b: { c: ['x', 'y\u0000'] } })?.field).toBe('b.c.1');
    expect(findInputProblem({ options: { 'k\u0000': 1 } })?.field).toBe('options.k\u0000');
    expect(findInputProblem('\ud800')?.field).toBe('');
    expect(findInputProblem({ a: 1, b: [true, null, 2.5, 'fine'] })).toBeNull();
  });

  it('allows MAX_INPUT_DEPTH levels of nesting and refuses one more, naming the top-level field', () => {
    expect(findInputProblem({ field: nested(MAX_INPUT_DEPTH - 1) })).toBeNull();
    expect(findInputProblem({ field: nested(MAX_INPUT_DEPTH) })).toMatchObject({
      field: 'field',
      errors: [expect.stringContaining('nested more than')],
    });
  });

  it('measures nesting far deeper than the call stack without overflowing', () => {
    expect(findInputProblem(JSON.parse(`{"deep":${'['.repeat(500_000)}${']'.repeat(500_000)}}`))?.field).toBe('deep');
  });
});
