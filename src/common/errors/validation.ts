import { ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { AppError } from './app-error';
import { FastValidationPipe } from '../../fast-path/fast-validation';

export interface FieldError {
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

type Storage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadatas = ReturnType<Storage['getTargetValidationMetadatas']>;

/** Counts the rules registered after the first lookup: whatever was derived from the rules before is stale. */
let ruleEpoch = 0;

/**
 * class-validator looks up a class's rules on every validation by scanning every class that has
 * rules (an `instanceof` per DTO in the app), and again for Nest's binary-value check: a large share
 * of a socket event's CPU. The rules are fixed once the decorators have run, so each lookup is kept
 * per class and options, and forgotten whenever a rule is added (a class loaded later).
 */
function rememberRuleLookups(storage: Storage): void {
  const marked = storage as Storage & { arenaRemembered?: boolean };
  if (marked.arenaRemembered) return;
  marked.arenaRemembered = true;
  let lookups = new Map<unknown, Map<string, ValidationMetadatas>>();
  let groupings = new WeakMap<ValidationMetadatas, ReturnType<Storage['groupByPropertyName']>>();
  const forget = () => {
    ruleEpoch += 1;
    lookups = new Map();
    groupings = new WeakMap();
  };
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const addValidation = storage.addValidationMetadata.bind(storage);
  const addConstraint = storage.addConstraintMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    forget();
    addValidation(metadata);
  };
  storage.addConstraintMetadata = (metadata) => {
    forget();
    addConstraint(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema ?? ''}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? '\u0002'}`;
    let byOptions = lookups.get(target);
    if (!byOptions) lookups.set(target, (byOptions = new Map()));
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadatas) => {
    let grouped = groupings.get(metadatas);
    if (!grouped) groupings.set(metadatas, (grouped = group(metadatas)));
    return grouped;
  };
}

/** The pipe's options: unknown properties are refused, DTOs are built, errors become VALIDATION_FAILED with every field's messages. */
export const VALIDATION_OPTIONS: ConstructorParameters<typeof ValidationPipe>[0] = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    const summary = details
      .map((d) => d.errors[0])
      .slice(0, 3)
      .join('; ');
    return new AppError('VALIDATION_FAILED', summary || 'The request is not valid', details);
  },
};

/** The one validation pipe, for REST bodies, queries and params and for socket payloads alike. */
export function createValidationPipe(): ValidationPipe {
  rememberRuleLookups(getMetadataStorage());
  return new FastValidationPipe(VALIDATION_OPTIONS, () => ruleEpoch);
}
