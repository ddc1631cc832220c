/**
 * The text as the content policy reads it: what a player typed with its disguises taken off, so that a
 * rule written once as "kill" also meets "K1LL", "k i l l", "k-i-l-l", "kіll" (Cyrillic і), "ｋｉｌｌ",
 * "k\u200Bill" and "kiiiill". Pure string work; nothing here knows about rules.
 */

/**
 * What a 1 or | inside a word becomes: it reads as i or as l ("k1ll" is kill, "s1ut" is slut), so the
 * matcher tries both. A dotless ı that a player types is read as a plain i before this marker appears.
 */
export const I_OR_L = 'ı';

/** What the matcher reads: the words of a message, and which of them were typed letter by letter. */
export interface Skeleton {
  words: string[];
  spelledOut: boolean[];
}

// Zero-width spaces and joiners, direction marks, soft hyphen, word joiner, BOM, variation selectors.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
// Accents, and the stacks of marks piled on letters ("zalgo" text), once NFD has split them off.
const COMBINING_MARK = /\p{M}/gu;
// Only characters outside ASCII can be look-alikes.
const NON_ASCII = /[^\p{ASCII}]/gu;
const ALL_ASCII = /^\p{ASCII}*$/u;

/** Letters of other scripts (and Latin oddities) that a reader takes for these Latin letters. */
const LOOKALIKE: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  г: 'r',
  е: 'e',
  и: 'u',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  п: 'n',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ь: 'b',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  ɡ: 'g',
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  ζ: 'z',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  π: 'n',
  ρ: 'p',
  σ: 'o',
  ς: 'c',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  // Latin small capitals and letters that NFKC leaves alone
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
  ı: 'i',
  ȷ: 'j',
  ɑ: 'a',
  ɩ: 'i',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ħ: 'h',
  ŧ: 't',
  ƒ: 'f',
  þ: 'p',
  ŋ: 'n',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
};

/** Enclosed letters NFKC does not unfold (🅐, 🅰, 🇦): first code point of each A-to-Z block. */
const ENCLOSED_ALPHABETS = [0x1f150, 0x1f170, 0x1f1e6];

/** Digits and symbols read as letters inside a word. */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': I_OR_L,
  '3': 'e',
  '4': 'a',
  '5': 's',
  '6': 'g',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': I_OR_L,
  '+': 't',
  '(': 'c',
  '€': 'e',
  '¡': 'i',
};
const WORD_CHAR = String.raw`\p{L}\p{N}@$!|+(€¡`;
const APOSTROPHE = "['’‘`´ʼ]";
// Contractions are read in full, so "who're" is not "whore", "i'll" is "i will" and "won't" is "will not".
// An 's joins its word ("women's" is "womens", like a plural), so "i hate women's brackets" is no phrase.
const CONTRACTION = new RegExp(`(?<=\\p{L})${APOSTROPHE}(re|ll|ve|m|d)(?!\\p{L})`, 'gu');
const NEGATION = new RegExp(`(?<![\\p{L}])(?:(wo|ca|sha)|\\p{L}+?)n${APOSTROPHE}t(?!\\p{L})`, 'gu');
const CONTRACTED: Readonly<Record<string, string>> = { re: ' are', ll: ' will', ve: ' have', m: ' am', d: ' would' };
const IRREGULAR_NEGATION: Readonly<Record<string, string>> = { wo: 'will', ca: 'can', sha: 'shall' };
// Apostrophes, hyphens, underscores and asterisks inside a word join its parts: "i'll", "k-i-l-l", "f_u".
const JOINER_INSIDE_WORD = new RegExp(`(?<=[${WORD_CHAR}])(?:${APOSTROPHE}|[\\-‐‑–—_*~^])+(?=[${WORD_CHAR}])`, 'gu');
const SEPARATOR = new RegExp(`[^${WORD_CHAR}]+`, 'u');
// A leading "@" is a mention and "(", "!", "¡" punctuation; trailing ones are punctuation too ("kill!"),
// except "$" and "@", which end words like "a$$" and "n1gg@".
const EDGE_PUNCTUATION = new RegExp(`(?<![${WORD_CHAR}])[@(+!|¡€]+|[(+!|¡€]+(?![${WORD_CHAR}])`, 'gu');
const LETTER = /\p{L}/u;
const SYMBOL = /[@$!|+(€¡]/gu;
const HAS_LEET_CHAR = /[0-9@$!|+(€¡]/u;
const EVERY_LEET_CHAR = /[0-9@$!|+(€¡]/gu;
const LONG_RUN = /(\p{L})\1{2,}/gu;
const SPELLED_OUT_MIN_LETTERS = 3;

/**
 * The words of a text as the policy reads them, lower case and Latin. Digits inside words stay
 * ambiguous where they are (1 may be i or l: see `I_OR_L`); runs of one letter are cut to two.
 */
export function skeletonOf(text: string): Skeleton {
  const letters = readableLetters(text)
    .replace(CONTRACTION, (_, ending: string) => CONTRACTED[ending])
    .replace(NEGATION, (word: string, irregular: string | undefined) =>
      irregular === undefined ? `${word.slice(0, word.length - 3)} not` : `${IRREGULAR_NEGATION[irregular]} not`,
    )
    .replace(JOINER_INSIDE_WORD, '')
    .replace(EDGE_PUNCTUATION, '')
    .replace(LONG_RUN, '$1$1');
  const pieces = letters.split(SEPARATOR).filter((piece) => piece !== '');

  const skeleton: Skeleton = { words: [], spelledOut: [] };
  for (let at = 0; at < pieces.length;) {
    let end = at;
    while (end < pieces.length && isOneCharacter(pieces[end])) end += 1;
    // "k i l l" and "k.i.l.l": three or more one-character pieces in a row were one word.
    if (end - at >= SPELLED_OUT_MIN_LETTERS) {
      addWord(skeleton, pieces.slice(at, end).join(''), true);
      at = end;
    } else {
      addWord(skeleton, pieces[at], false);
      at += 1;
    }
  }
  return skeleton;
}

/**
 * The text in lower case as a reader sees it: compatibility forms unfolded (fullwidth, 𝐛𝐨𝐥𝐝, ⓒⓘⓡⓒⓛⓔⓓ),
 * invisible characters and accents dropped, look-alike letters of other scripts read as Latin.
 */
export function readableLetters(text: string): string {
  // Most messages are plain ASCII, where both normalizations change nothing and no character is
  // invisible, combining or a look-alike: only the case is left to fold.
  if (ALL_ASCII.test(text)) return text.toLowerCase();
  return unfolded(text);
}

/** readableLetters the long way, for any text. */
export function unfolded(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARK, '')
    .replace(NON_ASCII, latinLookalike);
}

/** The skeleton as one readable string, with each ambiguous 1 shown as i: "K 1 L L" becomes "kill". */
export function normalize(text: string): string {
  return skeletonOf(text).words.join(' ').replaceAll(I_OR_L, 'i');
}

function addWord(skeleton: Skeleton, piece: string, spelledOut: boolean): void {
  let word = piece;
  if (HAS_LEET_CHAR.test(piece)) {
    // Numbers, scores and dates keep their digits: only a piece with a letter in it is leetspeak.
    word = LETTER.test(piece)
      ? piece.replace(EVERY_LEET_CHAR, (char) => LEET[char]).replace(LONG_RUN, '$1$1')
      : piece.replace(SYMBOL, '');
    if (word === '') return;
  }
  skeleton.words.push(word);
  skeleton.spelledOut.push(spelledOut);
}

function isOneCharacter(piece: string): boolean {
  return piece.length === 1 || (piece.length === 2 && (piece.codePointAt(0) ?? 0) > 0xffff);
}

function latinLookalike(char: string): string {
  const mapped = LOOKALIKE[char];
  if (mapped !== undefined) return mapped;
  const codePoint = char.codePointAt(0) ?? 0;
  for (const first of ENCLOSED_ALPHABETS) {
    if (codePoint >= first && codePoint < first + 26) return String.fromCharCode(0x61 + codePoint - first);
  }
  return char;
}
