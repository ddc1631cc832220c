import { AppError } from './app-error';

/**
 * How deep a socket payload or REST body may nest. Arena's deepest input (a rule set) is a few levels;
 * the validators recurse once per level and would overflow the stack long before a 1 MB body's limit.
 */
export const MAX_INPUT_DEPTH = 32;

/** NUL, or a UTF-16 surrogate without its pair: PostgreSQL stores neither in text or jsonb. */
// eslint-disable-next-line no-control-regex -- NUL is what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** A quick first look: most text has no NUL and no surrogate at all. */
// eslint-disable-next-line no-control-regex -- NUL is what this looks for
const SUSPECT = /[\u0000\ud800-\udfff]/;

export interface InputProblem {
  field: string;
  errors: string[];
}

/** Whether PostgreSQL can store this text as it is. */
export function isStorableText(text: string): boolean {
  return !SUSPECT.test(text) || !UNSTORABLE.test(text);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const unstorable = (field: string): InputProblem => ({
  field,
  errors: [`${field || 'the payload'} contains a NUL character or an unpaired surrogate`],
});

/**
 * The first thing about a parsed input that no validator should be asked to judge: nesting deeper than
 * MAX_INPUT_DEPTH, or a string (value or key) PostgreSQL cannot store. Walks without recursion, so any
 * depth the transport let through is measured safely. Null when there is none.
 */
export function findInputProblem(input: unknown): InputProblem | null {
  if (typeof input === 'string') return isStorableText(input) ? null : unstorable('');
  if (input === null || typeof input !== 'object') return null;
  const pending: Array<{ container: object; path: string; depth: number }> = [{ container: input, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { container, path, depth } = pending.pop()!;
    if (depth >= MAX_INPUT_DEPTH) {
      const field = path.split('.')[0]; // the field the client sent, not the 32 levels inside it
      return { field, errors: [`${field || 'the payload'} is nested more than ${MAX_INPUT_DEPTH} levels deep`] };
    }
    if (Buffer.isBuffer(container)) continue;
    for (const key of Object.keys(container)) {
      if (!isStorableText(key))
        return {
          field: join(path, key),
          errors: [`the name ${JSON.stringify(join(path, key))} contains a NUL character or an unpaired surrogate`],
        };
      const value = (container as Record<string, unknown>)[key];
      if (typeof value === 'string') {
        if (!isStorableText(value)) return unstorable(join(path, key));
      } else if (value !== null && typeof value === 'object') {
        pending.push({ container: value, path: join(path, key), depth: depth + 1 });
      }
    }
  }
  return null;
}

/** The VALIDATION_FAILED error for an input problem, in the shape the validation pipe answers with. */
export function inputProblemError(problem: InputProblem): AppError {
  return new AppError('VALIDATION_FAILED', problem.errors[0], [problem]);
}
