import fc from 'fast-check';
import { normalize, readableLetters, skeletonOf, unfolded } from '../../../src/moderation/domain/normalize';

describe('normalize: what the content policy reads', () => {
  it.each([
    ['case', 'KiLL YoU', 'kill you'],
    ['fullwidth forms', 'ｋｉｌｌ ｙｏｕ', 'kill you'],
    ['mathematical letters', '𝐤𝐢𝐥𝐥', 'kill'],
    ['circled letters', 'ⓚⓘⓛⓛ', 'kill'],
    ['enclosed letters NFKC leaves alone', '🅺🅸🅻🅻', 'kill'],
    ['superscript letters', 'ᵏᶦˡˡ', 'kill'],
    ['zero-width space', 'k\u200Bi\u200Bl\u200Bl', 'kill'],
    ['zero-width joiner and non-joiner', 'k\u200Di\u200Cll', 'kill'],
    ['direction marks', 'k\u200Ei\u200Fll', 'kill'],
    ['word joiner and invisible operators', 'k\u2060i\u2062l\u2064l', 'kill'],
    ['byte order mark', '\uFEFFkill', 'kill'],
    ['soft hyphen', 'ki\u00ADll', 'kill'],
    ['accents', 'kíll yöu', 'kill you'],
    ['stacked combining marks', 'k̷̢i̵l̶l̴', 'kill'],
    ['Cyrillic look-alikes', 'кіll уоu', 'kill you'],
    ['Cyrillic а е о р с х у ѕ', 'а е о р с х у ѕ', 'aeopcxys'],
    ['Greek look-alikes', 'κιll yου', 'kill you'],
    ['small capitals', 'ᴋɪʟʟ', 'kill'],
    ['leet digits', 'k1ll y0u', 'kill you'],
    ['leet 3 4 5 7 8 9', '5h3 4t3 8r34d 9', 'she ate bread 9'],
    ['leet symbols inside words', 'r@p3 pu$$y k!ll', 'rape pussy kill'],
    ['a trailing dollar is an s', 'a$$', 'ass'],
    ['1 read as i', 'sh1t', 'shit'],
    ['repeated letters cut to two', 'fuuuuuck yoooou', 'fuuck yoou'],
    ['spaced letters', 'k i l l', 'kill'],
    ['dotted letters', 'k.i.l.l', 'kill'],
    ['dashed letters', 'k-i-l-l', 'kill'],
    ['underscores and asterisks inside a word', 'k_i*l_l', 'kill'],
    ['spaced leet', 'k 1 l l', 'kill'],
    ['contractions in full', "i'll, you're, won't", 'i will you are will not'],
    ['a possessive, read like a plural', "Scunthorpe's mayor", 'scunthorpes mayor'],
    ['punctuation after a word', 'kill!!! you?!', 'kill you'],
    ['a mention', '@sam hi', 'sam hi'],
  ])('sees through %s', (_kind, text, expected) => {
    expect(normalize(text)).toBe(expected);
  });

  it.each([
    ['numbers, scores and dates', 'final score 2024 - 3 - 1 at 12:30', 'final score 2024 3 1 at 12 30'],
    ['a number on its own', 'room 101', 'room 101'],
    ['two one-letter words', 'i a', 'i a'],
    ['ordinary words', 'Scunthorpe cocktail', 'scunthorpe cocktail'],
  ])('leaves %s alone', (_kind, text, expected) => {
    expect(normalize(text)).toBe(expected);
  });

  it('keeps 1 ambiguous for the matcher, which reads it as i or l', () => {
    expect(skeletonOf('s1ut').words).toEqual(['sıut']);
    expect(normalize('s1ut')).toBe('siut');
  });

  it('marks the words that were typed letter by letter', () => {
    expect(skeletonOf('i will k i l l u')).toEqual({
      words: ['i', 'will', 'killu'],
      spelledOut: [false, false, true],
    });
  });

  it('reads letters without touching digits or separators', () => {
    expect(readableLetters('Ｃａｌｌ ５５５-１２３４ ＠ноmе')).toBe('call 555-1234 @home');
  });

  it('reads plain ASCII by its shortcut exactly as the long way would, and anything else the long way', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary-ascii', maxLength: 80 }),
        (text) => readableLetters(text) === unfolded(text),
      ),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => readableLetters(text) === unfolded(text)),
    );
    // One character past ASCII takes the whole text the long way: its look-alike is read, the case still folded.
    expect(readableLetters('KILL кill')).toBe('kill kill');
  });
});
