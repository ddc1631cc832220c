import 'reflect-metadata';
import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { getMetadataStorage, validateSync } from 'class-validator';
import fc from 'fast-check';
import * as roomDtos from '../../../src/games/dto/rooms.dto';
import * as authDtos from '../../../src/identity/dto/auth.dto';
import * as identityGateway from '../../../src/identity/identity.gateway';
import * as conversationDtos from '../../../src/messaging/dto/conversation.dto';
import * as messageDtos from '../../../src/messaging/dto/message.dto';
import * as adminDtos from '../../../src/moderation/dto/admin.dto';
import * as reportDtos from '../../../src/moderation/dto/reports.dto';
import { createValidationPipe, VALIDATION_OPTIONS } from '../../../src/common/errors/validation';
import { AppError } from '../../../src/common/errors/app-error';

type Dto = new () => object;

/** Every DTO class of the app that has validation rules. */
const DTOS: Dto[] = [roomDtos, authDtos, identityGateway, conversationDtos, messageDtos, adminDtos, reportDtos]
  .flatMap((module) => Object.values(module))
  .filter(
    (value): value is Dto =>
      typeof value === 'function' &&
      getMetadataStorage().getTargetValidationMetadatas(value, '', false, false).length > 0,
  );

const propertiesOf = (dto: Dto) => [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', false, false)
      .map((m) => m.propertyName),
  ),
];

/** Values near and across the rules the DTOs use: ids, names, lengths, bounds, enums, wrong types. */
const fieldValue = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 8 }),
  fc.string({ minLength: 60, maxLength: 70 }),
  fc.constantFrom(
    '',
    ' ',
    'roast',
    'mafia',
    'bench',
    'mute',
    'ban',
    'kick',
    'warn',
    'spam',
    'a'.repeat(64),
    'a'.repeat(129),
    '2026-11-23T08:00:00Z',
    '123',
    'msg-1',
  ),
  fc.integer({ min: -2, max: 100 }),
  fc.constantFrom(0, 1, 63, 64, 65, 86_400_000, 86_400_001, 1.5, -0, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
  // Nested values, as a game action's fields are: plain JSON, and the shapes the fast lane leaves to the pipe.
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    { type: 'bump' },
    { type: 'vote', seat: 1 },
    [],
    [1, 'a', { b: null }],
    JSON.parse('{"type":"x","nested":{"__proto__":{"admin":true}}}') as object,
    { constructor: 'x' },
    { at: new Date(0) },
    Object.create(null) as object,
  ),
);

/** A payload of some of the DTO's properties (and sometimes a stranger), as own properties even for names like __proto__. */
const payloadFor = (dto: Dto) =>
  fc
    .tuple(
      fc.subarray(propertiesOf(dto)),
      fc.option(fc.constantFrom('extra', '__proto__', 'constructor', 'toString'), { nil: undefined }),
    )
    .chain(([keys, stranger]) => {
      const names = stranger === undefined ? keys : [...keys, stranger];
      return fc.tuple(fc.constant(names), fc.array(fieldValue, { minLength: names.length, maxLength: names.length }));
    })
    .map(([names, values]) => {
      const payload = {};
      names.forEach((name, i) =>
        Object.defineProperty(payload, name, {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        }),
      );
      return payload;
    });

/** Samples of the pool above, drawn once: what the rules of one property accept is found among them. */
const SAMPLES = fc.sample(fieldValue, { numRuns: 400, seed: 7 });

/** Whether the DTO's rules for `property` alone accept `value` (absent when undefined). */
function accepts(dto: Dto, property: string, value: unknown): boolean {
  const entity = new dto() as Record<string, unknown>;
  if (value !== undefined) entity[property] = value;
  return !validateSync(entity, { forbidUnknownValues: false }).some((error) => error.property === property);
}

/** Payloads that mostly pass: each property gets a value its rules accept, an optional one is sometimes left out. */
const validPayloads = new Map<Dto, fc.Arbitrary<Record<string, unknown>>>();
const validPayloadFor = (dto: Dto) => {
  const known = validPayloads.get(dto);
  if (known) return known;
  const fields = propertiesOf(dto).map((property) => {
    const accepted = SAMPLES.filter((value) => accepts(dto, property, value));
    const optional = accepts(dto, property, undefined);
    const value = accepted.length > 0 ? fc.constantFrom(...accepted) : fc.constant(undefined);
    return fc.tuple(fc.constant(property), optional ? fc.option(value, { nil: undefined }) : value);
  });
  const payloads = fc
    .tuple(...fields)
    .map((entries) => Object.fromEntries(entries.filter(([, value]) => value !== undefined)));
  validPayloads.set(dto, payloads);
  return payloads;
};

async function outcome(pipe: ValidationPipe, value: unknown, metatype: Dto): Promise<unknown> {
  const metadata: ArgumentMetadata = { type: 'body', metatype, data: undefined };
  try {
    const entity = (await pipe.transform(value, metadata)) as object;
    return { ok: true, type: entity.constructor.name, fields: { ...entity } };
  } catch (error) {
    return { ok: false, error: error instanceof AppError ? error.toBody() : String(error) };
  }
}

describe("the validation pipe's fast lane", () => {
  const fast = createValidationPipe();
  const full = new ValidationPipe(VALIDATION_OPTIONS);

  it("covers the app's DTOs", () => {
    expect(DTOS.length).toBeGreaterThan(20);
  });

  it('answers exactly as the full pipe does, for every DTO, on valid and invalid payloads alike', async () => {
    let runs = 0;
    let fastLane = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...DTOS)
          .chain((dto) => fc.tuple(fc.constant(dto), fc.oneof(payloadFor(dto), validPayloadFor(dto)))),
        async ([dto, payload]) => {
          const superTransform = jest.spyOn(ValidationPipe.prototype, 'transform');
          const fastAnswer = await outcome(fast, payload, dto);
          if (superTransform.mock.calls.length === 0) fastLane += 1;
          superTransform.mockRestore();
          runs += 1;
          expect(fastAnswer).toStrictEqual(await outcome(full, payload, dto));
        },
      ),
      { numRuns: 3000 },
    );
    // The comparison means something only if the fast lane answered a fair share of them.
    expect(fastLane / runs).toBeGreaterThan(0.25);
  });

  it('takes the fast lane for a valid flat payload and the full pipe for anything else', async () => {
    const superTransform = jest.spyOn(ValidationPipe.prototype, 'transform');
    const metadata: ArgumentMetadata = { type: 'body', metatype: messageDtos.SendMessageEventDto, data: undefined };
    const valid = { conversationId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', clientMsgId: 'msg-1', body: 'hello' };
    try {
      const entity = await fast.transform(valid, metadata);
      expect(entity).toBeInstanceOf(messageDtos.SendMessageEventDto);
      expect(entity).toEqual(valid);
      expect(superTransform).not.toHaveBeenCalled();

      await expect(fast.transform({ ...valid, clientMsgId: 'has space' }, metadata)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      expect(superTransform).toHaveBeenCalledTimes(1);
    } finally {
      superTransform.mockRestore();
    }
  });

  it("takes the fast lane for a game action's plain JSON, and leaves special keys to the full pipe", async () => {
    const superTransform = jest.spyOn(ValidationPipe.prototype, 'transform');
    const metadata: ArgumentMetadata = { type: 'body', metatype: roomDtos.GameActionDto, data: undefined };
    const action = {
      actionId: 'a-1',
      roomId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      action: { type: 'vote', seat: 2, notes: ['x', { y: 1 }] },
    };
    try {
      const entity = await fast.transform(action, metadata);
      expect(entity).toBeInstanceOf(roomDtos.GameActionDto);
      expect(entity).toEqual(action);
      expect(superTransform).not.toHaveBeenCalled();

      const special = JSON.parse('{"type":"x","__proto__":{"admin":true}}') as object;
      const answer = await outcome(fast, { ...action, action: special }, roomDtos.GameActionDto);
      expect(superTransform).toHaveBeenCalledTimes(1);
      expect(answer).toStrictEqual(await outcome(full, { ...action, action: special }, roomDtos.GameActionDto));
    } finally {
      superTransform.mockRestore();
    }
  });
});
