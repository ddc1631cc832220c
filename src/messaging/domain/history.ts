/** A page request over a conversation's seqs: messages strictly after `after` and/or strictly before `before`. */
export interface HistoryRequest {
  after?: number;
  before?: number;
  limit?: number;
}

export interface HistoryPlan {
  /** Exclusive bounds on seq. */
  after: number;
  before: number | null;
  /** Ascending reads forward from `after`; descending reads the newest before `before` (or the end). */
  order: 'asc' | 'desc';
  /** One more than the page size, to know whether there is more. */
  fetch: number;
  limit: number;
}

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;

/**
 * `after` alone (or with `before`): the oldest messages after it, for catching up in order.
 * `before` alone, or nothing: the newest messages before it (or overall), for scrolling back.
 */
export function planHistory(request: HistoryRequest): HistoryPlan {
  const limit = Math.min(Math.max(1, request.limit ?? HISTORY_DEFAULT_LIMIT), HISTORY_MAX_LIMIT);
  const after = request.after ?? 0;
  const before = request.before ?? null;
  const order = request.after !== undefined ? 'asc' : 'desc';
  return { after, before, order, fetch: limit + 1, limit };
}

export interface HistoryPage<M> {
  /** Always ascending by seq. */
  messages: M[];
  /** More messages exist past this page in the direction read. */
  hasMore: boolean;
}

/** Cuts the extra row and returns the page in ascending seq order whatever the direction read. */
export function toHistoryPage<M extends { seq: number }>(rows: M[], plan: HistoryPlan): HistoryPage<M> {
  const hasMore = rows.length > plan.limit;
  const page = rows.slice(0, plan.limit);
  if (plan.order === 'desc') page.reverse();
  return { messages: page, hasMore };
}

/** True when the bounds leave nothing to read (e.g. after=10&before=11). */
export function isEmptyRange(plan: HistoryPlan): boolean {
  return plan.before !== null && plan.before <= plan.after + 1;
}
