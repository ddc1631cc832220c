/**
 * What an accepted command did to the room, stored with its event: the changes from the state before to
 * the state after, as paths into the JSON state. Replaying a room applies these changes in order, so it
 * never decides anything again (no draws, no policy checks, no rules of today): history stays history.
 */

/** One change: the value at `path` set (the whole state for an empty path), or removed. */
export type StateChange = { path: string[]; value: unknown } | { path: string[]; removed: true };

export type StateDelta = StateChange[];

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter((key) => a[key] !== undefined);
    return (
      keys.length === Object.keys(b).filter((key) => b[key] !== undefined).length &&
      keys.every((key) => sameJson(a[key], b[key]))
    );
  }
  return false;
}

function collect(before: unknown, after: unknown, path: string[], changes: StateChange[]): void {
  if (before === after) return;
  if (isObject(before) && isObject(after)) {
    for (const key in before) {
      if (before[key] !== undefined && after[key] === undefined) changes.push({ path: [...path, key], removed: true });
    }
    // Most keys of a state hold the same object after a command: those are passed over without a path.
    for (const key in after) {
      const value = after[key];
      if (value !== undefined && value !== before[key]) collect(before[key], value, [...path, key], changes);
    }
    return;
  }
  // Arrays and plain values are replaced whole: a room's arrays are short (seats, a game's rounds).
  if (!sameJson(before, after)) changes.push({ path, value: after });
}

/** The changes that turn `before` (null for a room's creation) into `after`. */
export function stateDelta(before: unknown, after: unknown): StateDelta {
  const changes: StateChange[] = [];
  collect(before ?? undefined, after, [], changes);
  return changes;
}

function applyAt(target: unknown, change: StateChange, depth: number): unknown {
  if (depth === change.path.length) return 'removed' in change ? undefined : change.value;
  const copy: JsonObject = isObject(target) ? { ...target } : {};
  const key = change.path[depth];
  const next = applyAt(copy[key], change, depth + 1);
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}

/** `state` with the stored changes applied; nothing is mutated. */
export function applyDelta<T>(state: T | null, delta: StateDelta): T {
  let next: unknown = state;
  for (const change of delta) next = applyAt(next, change, 0);
  return next as T;
}
