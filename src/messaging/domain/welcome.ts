/** The two-phase welcome: made pending at the join, fetched (re-fetchable during the grace period), confirmed. */
export const WELCOME_STATES = ['pending', 'fetched', 'confirmed'] as const;
export type WelcomeState = (typeof WELCOME_STATES)[number];

export interface WelcomeStatus {
  state: WelcomeState;
  /** Epoch ms of the first fetch; null while pending. */
  fetchedAt: number | null;
}

export type WelcomeRefusal =
  | { code: 'WELCOME_EXPIRED'; reason: 'confirmed' | 'grace_elapsed' }
  | { code: 'WELCOME_NOT_FETCHED'; reason: 'pending' };

export type FetchDecision = { action: 'build' } | { action: 'replay' } | { action: 'refuse'; refusal: WelcomeRefusal };
export type ConfirmDecision =
  { action: 'confirm' } | { action: 'already_confirmed' } | { action: 'refuse'; refusal: WelcomeRefusal };

export function graceEndsAt(status: WelcomeStatus, graceMs: number): number | null {
  return status.fetchedAt === null ? null : status.fetchedAt + graceMs;
}

/** First fetch builds the package; a re-fetch before the grace period ends returns it again; after that it is gone. */
export function decideFetch(status: WelcomeStatus, now: number, graceMs: number): FetchDecision {
  switch (status.state) {
    case 'pending':
      return { action: 'build' };
    case 'fetched':
      return now < (graceEndsAt(status, graceMs) ?? 0)
        ? { action: 'replay' }
        : { action: 'refuse', refusal: { code: 'WELCOME_EXPIRED', reason: 'grace_elapsed' } };
    case 'confirmed':
      return { action: 'refuse', refusal: { code: 'WELCOME_EXPIRED', reason: 'confirmed' } };
  }
}

/** Confirming needs a fetch first; confirming twice is a no-op; a package left past its grace period stays gone. */
export function decideConfirm(status: WelcomeStatus, now: number, graceMs: number): ConfirmDecision {
  switch (status.state) {
    case 'pending':
      return { action: 'refuse', refusal: { code: 'WELCOME_NOT_FETCHED', reason: 'pending' } };
    case 'fetched':
      return now < (graceEndsAt(status, graceMs) ?? 0)
        ? { action: 'confirm' }
        : { action: 'refuse', refusal: { code: 'WELCOME_EXPIRED', reason: 'grace_elapsed' } };
    case 'confirmed':
      return { action: 'already_confirmed' };
  }
}
