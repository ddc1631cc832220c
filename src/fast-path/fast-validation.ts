import { createRequire } from 'node:module';
import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { TransformationType } from 'class-transformer';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

type ValidatorStorage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<ValidatorStorage['getTargetValidationMetadatas']>[number];
type Constraint = ReturnType<ValidatorStorage['getTargetValidatorConstraints']>[number];

// class-transformer keeps its decorators' metadata in this singleton and exports no accessor for it.
const transformerStorage = (
  createRequire(__filename)('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage }
).defaultMetadataStorage;

interface PropertyCheck {
  property: string;
  /** IsOptional and the like: when one says no, the property's other rules are skipped. */
  conditions: ValidationMetadata[];
  /** IsDefined: checked after the conditions, like the other rules (as class-validator does). */
  defined: Array<{ metadata: ValidationMetadata; constraints: Constraint[] }>;
  rules: Array<{ metadata: ValidationMetadata; constraints: Constraint[] }>;
}

interface Plan {
  properties: PropertyCheck[];
  names: Set<string>;
}

/**
 * Nest's ValidationPipe with a fast lane for the common case. A socket event or REST body is most often
 * an object of strings, numbers and booleans (a game action's plain JSON among them) for a DTO whose
 * rules are plain checks (IsString, IsUUID, Length, Min, IsOptional, IsObject...) and that
 * class-transformer leaves as it is. For those the pipe
 * builds the DTO itself and runs class-validator's own constraint functions directly, with the rule
 * lookups done once per class: what costs class-transformer and class-validator tens of microseconds
 * per event (building error objects for every property, walking metadata) is skipped.
 *
 * Only a value that passes every rule takes the fast lane; anything else (a failing rule, an unknown
 * property, a value that is not plain JSON, a class with nested or async rules, groups or transforms)
 * goes through the full pipe, so errors and edge cases are exactly the pipe's own.
 */
export class FastValidationPipe extends ValidationPipe {
  private plans = new WeakMap<object, Plan | null>();
  private epoch = -1;

  constructor(
    options: ConstructorParameters<typeof ValidationPipe>[0],
    /** Bumped whenever a validation rule is registered, so that plans compiled before it are dropped. */
    private readonly ruleEpoch: () => number,
  ) {
    super(options);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as (new () => object) | undefined;
    if (metatype && isPlainRecord(value) && this.toValidate(metadata)) {
      const plan = this.planFor(metatype);
      const entity = plan && build(metatype, plan, value);
      if (entity) return Promise.resolve(entity);
    }
    return super.transform(value, metadata);
  }

  private planFor(metatype: new () => object): Plan | null {
    const epoch = this.ruleEpoch();
    if (epoch !== this.epoch) {
      this.plans = new WeakMap();
      this.epoch = epoch;
    }
    let plan = this.plans.get(metatype);
    if (plan === undefined) this.plans.set(metatype, (plan = compile(metatype)));
    return plan;
  }
}

/**
 * A plain object of plain JSON: primitives, and objects and dense arrays of them (a game action's
 * fields), what a JSON payload parses to. A DTO's rules see nested values whole (none of the fast lane's
 * classes validates inside them), and class-transformer would only copy them, so they pass as they are.
 * Nested keys class-transformer treats specially go to the full pipe.
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== null && typeof field === 'object' && !isPlainJson(field)) return false;
    if (typeof field === 'function' || typeof field === 'symbol' || typeof field === 'bigint') return false;
  }
  return Object.getOwnPropertySymbols(value).length === 0;
}

function isPlainJson(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || Object.keys(value).length !== value.length) return false;
    return value.every(isPlainJson);
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    // class-transformer skips names an object already has (toString, constructor, __proto__...).
    if (key in Object.prototype || key === 'prototype' || !isPlainJson((value as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}

/** The class's rules as direct checks, or null when the class needs the full pipe. */
function compile(metatype: new () => object): Plan | null {
  const validators = getMetadataStorage();
  // The same lookup class-validator makes for the pipe's options (no groups, not strict, not always).
  const metadatas = validators.getTargetValidationMetadatas(metatype, '', false, false, undefined);
  if (metadatas.length === 0) return null;
  if (hasTransformerMetadata(metatype)) return null;
  const grouped = validators.groupByPropertyName(metadatas);
  const properties: PropertyCheck[] = [];
  for (const [property, list] of Object.entries(grouped)) {
    if (hasTransformerMetadata(metatype, property)) return null;
    const check: PropertyCheck = { property, conditions: [], defined: [], rules: [] };
    for (const metadata of list) {
      if (metadata.each || metadata.validateIf || (metadata.groups && metadata.groups.length > 0)) return null;
      if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) check.conditions.push(metadata);
      else if (metadata.type === ValidationTypes.IS_DEFINED || metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
        const constraints = validators.getTargetValidatorConstraints(metadata.constraintCls);
        if (constraints.length === 0 || constraints.some((c) => c.async)) return null;
        (metadata.type === ValidationTypes.IS_DEFINED ? check.defined : check.rules).push({ metadata, constraints });
      } else if (metadata.type !== ValidationTypes.WHITELIST) {
        return null; // nested, promise or anything newer: the full pipe knows what to do
      }
    }
    properties.push(check);
  }
  return { properties, names: new Set(Object.keys(grouped)) };
}

function hasTransformerMetadata(metatype: new () => object, property?: string): boolean {
  if (property === undefined) {
    return (
      transformerStorage.getStrategy(metatype) !== 'none' ||
      transformerStorage.getExposedMetadatas(metatype).length > 0 ||
      transformerStorage.getExcludedMetadatas(metatype).length > 0
    );
  }
  return (
    transformerStorage.findTypeMetadata(metatype, property) !== undefined ||
    transformerStorage.findTransformMetadatas(metatype, property, TransformationType.PLAIN_TO_CLASS).length > 0
  );
}

/** The DTO as class-transformer would build it, if it passes every rule; otherwise null (the full pipe will say why). */
function build(metatype: new () => object, plan: Plan, value: Record<string, unknown>): object | null {
  const entity = new metatype() as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    // Unknown properties are refused by the pipe (forbidNonWhitelisted); prototype names are special to class-transformer.
    if (!plan.names.has(key) || key in entity) return null;
    entity[key] = value[key];
  }
  for (const key of Object.keys(entity)) if (!plan.names.has(key)) return null;
  for (const check of plan.properties) {
    const field = entity[check.property];
    const args: Arguments = {
      targetName: metatype.name,
      property: check.property,
      object: entity,
      value: field,
      constraints: [],
    };
    if (
      !check.conditions.every((condition) =>
        (condition.constraints[0] as (object: object, value: unknown) => boolean)(entity, field),
      )
    )
      continue;
    for (const { metadata, constraints } of check.defined) if (!passes(constraints, metadata, args)) return null;
    for (const { metadata, constraints } of check.rules) if (!passes(constraints, metadata, args)) return null;
  }
  return entity;
}

type Arguments = Parameters<Constraint['instance']['validate']>[1] & { value: unknown; constraints: unknown[] };

/** Whether class-validator's own constraint functions accept the value (a non-boolean answer counts as no: the full pipe decides). */
function passes(constraints: Constraint[], metadata: ValidationMetadata, args: Arguments): boolean {
  args.constraints = metadata.constraints;
  return constraints.every((constraint) => constraint.instance.validate(args.value, args) === true);
}
