import { AppError } from './app-error';

/**
 * How deep a socket payload or REST body may nest. Arena's deepest input (a rule set) is a few levels;
 * the validators recurse once per level and would overflow the stack long before a 1 MB body's limit.
 */
export const MAX_INPUT_DEPTH = 32;

/** NUL, or a UTF-16 surrogate without its pair: PostgreSQL stores neither in text or jsonb. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface InputProblem {
  field: string;
  errors: string[];
}

/** Whether PostgreSQL can store this text as it is. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * The first thing about a parsed input that no validator should be asked to judge: nesting deeper than
 * MAX_INPUT_DEPTH, or a string (value or key) PostgreSQL cannot store. Walks without recursion, so any
 * depth the transport let through is measured safely. Null when there is none.
 */
export function findInputProblem(input: unknown): InputProblem | null {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: input, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return { field: path, errors: [`${path || 'the payload'} contains a NUL character or an unpaired surrogate`] };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      const field = path.split('.')[0]; // the field the client sent, not the 32 levels inside it
      return { field, errors: [`${field || 'the payload'} is nested more than ${MAX_INPUT_DEPTH} levels deep`] };
    }
    if (Buffer.isBuffer(value)) continue;
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (!isStorableText(key)) return { field, errors: [`the name ${JSON.stringify(field)} contains a NUL character or an unpaired surrogate`] };
      pending.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return null;
}

/** The VALIDATION_FAILED error for an input problem, in the shape the validation pipe answers with. */
export function inputProblemError(problem: InputProblem): AppError {
  return new AppError('VALIDATION_FAILED', problem.errors[0], [problem]);
}
