import { readableLetters } from './normalize';

/**
 * Phone numbers and email addresses in a text, written plainly or spelled out ("five five five ...",
 * "sam at mail dot com"), while scores, dates, years and times ("2024 - 3 - 1", "21-18", "12:30") and
 * mentions ("hello@ everyone") stay allowed.
 */

export type PersonalInfoKind = 'phone number' | 'email address';

const DIGIT_WORD: Readonly<Record<string, string>> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};
const DIGIT_WORDS = /\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b/g;
// Digits with short runs of spaces, dots, dashes or brackets between them; slashes and colons
// (dates, times) end a span.
const DIGIT_SPAN = /(?<![\p{L}\p{N}])\+?\s?\(?\d(?:[\s.()-]{0,3}\d)*/gu;
const MAX_PHONE_DIGITS = 15;
// In a name any seven digits are too many, however they are spaced.
const NAME_DIGITS = /\d(?:[\s._-]?\d){6}/;

// Mailboxes are only looked for from the start of a word, so a long word is read once, not once per letter.
const WORD = String.raw`(?<![\p{L}\p{N}_%+.-])[\p{L}\p{N}_%+-]+(?:\.[\p{L}\p{N}_%+-]+)*`;
const LABEL = String.raw`[\p{L}\p{N}-]+`;
const PLAIN_EMAIL = new RegExp(String.raw`${WORD}@${LABEL}(?:\.${LABEL})*\.\p{L}{2,}(?![\p{L}\p{N}])`, 'u');
const AT = String.raw`(?:\s*@\s*|\s*[([{<]\s*at\s*[)\]}>]\s*|\s+(at)\s+)`;
const DOT = String.raw`(?:\s*\.\s*|\s*[([{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)`;
/** Spelled-out addresses are only believed with a top-level domain people actually use. */
const COMMON_TLD = 'com|net|org|edu|gov|io|co|me|info|biz|uk|de|fr|es|it|nl|ru|ca|au|us|in|br|jp|cn|pl|se|ch';
const SPELLED_EMAIL = new RegExp(
  String.raw`(${WORD})${AT}${LABEL}(?:${DOT}${LABEL})*${DOT}(?:${COMMON_TLD})(?![\p{L}\p{N}])`,
  'gu',
);
// Cheap to look for, and every spelled-out address has one: the spelled regex only runs behind it.
const DOMAIN_ENDING = new RegExp(String.raw`${DOT}(?:${COMMON_TLD})(?![\p{L}\p{N}])`, 'u');
/** "look at google dot com", "meet me at home dot com": words before a plain "at" that are not a mailbox. */
const NOT_A_MAILBOX = new Set([
  'look',
  'looking',
  'looked',
  'me',
  'us',
  'him',
  'her',
  'them',
  'you',
  'it',
  'this',
  'that',
  'here',
  'there',
  'be',
  'is',
  'am',
  'are',
  'was',
  'were',
  'arrive',
  'meet',
  'stare',
  'laugh',
  'laughing',
  'good',
  'bad',
  'great',
  'best',
  'play',
  'aim',
  'shoot',
  'point',
  'yell',
  'smile',
  'lol',
  'home',
  'work',
  'school',
  'back',
]);

/** What personal contact detail the text gives away, if any; names are held to a stricter standard. */
export function findPersonalInfo(text: string, strict: boolean): PersonalInfoKind | null {
  const plain = readableLetters(text);
  if (hasEmailAddress(plain)) return 'email address';
  const digits = plain.replace(DIGIT_WORDS, (word) => DIGIT_WORD[word]);
  if (strict && NAME_DIGITS.test(digits)) return 'phone number';
  for (const [span] of digits.matchAll(DIGIT_SPAN)) {
    if (holdsPhoneNumber(span)) return 'phone number';
  }
  return null;
}

function hasEmailAddress(text: string): boolean {
  if (text.includes('@') && PLAIN_EMAIL.test(text)) return true;
  if (!DOMAIN_ENDING.test(text)) return false;
  for (const match of text.matchAll(SPELLED_EMAIL)) {
    const plainAt = match[2] !== undefined;
    const mailbox = match[1];
    if (!plainAt || !NOT_A_MAILBOX.has(mailbox)) return true;
  }
  return false;
}

/** The whole span, or a run of its digit groups, since a number may stand next to a year or a score. */
function holdsPhoneNumber(span: string): boolean {
  if (isPhoneNumber(span, true)) return true;
  const groups = [...span.matchAll(/\d+/g)];
  for (let first = 0; first < groups.length; first += 1) {
    let digits = 0;
    for (let last = first; last < groups.length && digits <= MAX_PHONE_DIGITS; last += 1) {
      digits += groups[last][0].length;
      const start = first === 0 ? 0 : groups[first].index;
      const end = groups[last].index + groups[last][0].length;
      if (isPhoneNumber(span.slice(start, end), false)) return true;
    }
  }
  return false;
}

/**
 * Judged on the digit groups: international numbers by their "+" or "00"; a seven-digit local number
 * only as 3-4 ("555-1234") standing alone; ten or eleven digits unless they read as a count, thousands
 * or a row of short scores (a phone number has an area code, a long last group or a leading trunk 0).
 */
function isPhoneNumber(span: string, standsAlone: boolean): boolean {
  const groups: string[] = span.match(/\d+/g) ?? [];
  const digits = groups.join('');
  if (span.trimStart().startsWith('+') || /^00[1-9]/.test(digits)) {
    return digits.length >= 8 && digits.length <= MAX_PHONE_DIGITS;
  }
  if (digits.length === 7) return standsAlone && groups.length === 2 && groups[0].length === 3;
  if (digits.length < 10 || digits.length > 11) return false;
  if (groups.length === 1) return true;
  if (isCount(groups) || isThousands(groups)) return false;
  if (groups.every((group) => group.length === 1)) return true;
  return groups[0].length >= 3 || groups[groups.length - 1].length >= 3 || digits.startsWith('0');
}

/** "1 2 3 4 5 6 7 8 9 10" or a countdown. */
function isCount(groups: string[]): boolean {
  const step = Number(groups[1]) - Number(groups[0]);
  return (
    Math.abs(step) === 1 && groups.every((group, at) => at === 0 || Number(group) - Number(groups[at - 1]) === step)
  );
}

/** "1 000 000 000", "1.000.000.000". */
function isThousands(groups: string[]): boolean {
  return groups[0].length <= 3 && groups.length >= 3 && groups.slice(1).every((group) => group.length === 3);
}
