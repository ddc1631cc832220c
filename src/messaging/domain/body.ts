export type BodyCheck =
  { ok: true } | { ok: false; code: 'BODY_EMPTY' | 'BODY_TOO_LONG' | 'BODY_INVALID'; message: string };

// NUL cannot be stored in PostgreSQL text; other C0 controls except tab and newlines have no place in chat.
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A chat body: not blank, at most `maxChars` characters (code points, so an emoji counts once), no control characters. */
export function checkBody(body: string, maxChars: number): BodyCheck {
  if (body.trim().length === 0) return { ok: false, code: 'BODY_EMPTY', message: 'The message is empty' };
  const length = codePoints(body);
  if (length > maxChars)
    return {
      ok: false,
      code: 'BODY_TOO_LONG',
      message: `The message is ${length} characters; the limit is ${maxChars}`,
    };
  if (FORBIDDEN.test(body))
    return { ok: false, code: 'BODY_INVALID', message: 'The message contains control characters' };
  return { ok: true };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
