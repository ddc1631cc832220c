import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type CredentialKind = 'session' | 'agent';
const PREFIX: Record<CredentialKind, string> = { session: 'st_', agent: 'ak_' };

/** A fresh bearer credential: 256 random bits, prefixed so a leaked one is recognisable. */
export function newCredential(kind: CredentialKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the credential: a keyed hash, useless without the server secret. */
export function hashCredential(secret: string, credential: string): string {
  return createHmac('sha256', secret).update(credential).digest('base64url');
}

export function looksLikeCredential(kind: CredentialKind, value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX[kind]) && value.length >= 40 && value.length <= 100;
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
