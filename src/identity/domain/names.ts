/** Display names: trimmed, inner runs of white space folded, 2 to 32 letters, digits, spaces, `_ . -`. */
export const DISPLAY_NAME_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{N}_.\- ]{0,30}[\p{L}\p{N}])?$/u;
export const USERNAME_PATTERN = /^[a-z0-9_]{3,32}$/;

export function normalizeDisplayName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export function isValidDisplayName(name: string): boolean {
  return name.length >= 2 && name.length <= 32 && DISPLAY_NAME_PATTERN.test(name);
}

export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}
