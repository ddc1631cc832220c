import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/**
 * A Reflector that answers each (key, handler, class) lookup once: guards ask the same questions of the
 * same handler on every socket event and request (the throttler alone asks eighteen), and decorator
 * metadata does not change once the app has started. Other shapes of lookup go to the plain Reflector.
 */
export class HandlerMetadataReflector extends Reflector {
  private readonly answers = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();

  // The signature is Reflector's own, loosely typed as it is.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-function-type
  override getAllAndOverride<TResult = any>(key: any, targets: (Type<any> | Function)[]): TResult {
    const [handler, classRef] = targets;
    if (targets.length !== 2 || typeof handler !== 'function' || typeof classRef !== 'function')
      return super.getAllAndOverride(key, targets);
    let byClass = this.answers.get(handler);
    if (!byClass) this.answers.set(handler, (byClass = new WeakMap()));
    let byKey = byClass.get(classRef);
    if (!byKey) byClass.set(classRef, (byKey = new Map()));
    if (byKey.has(key)) return byKey.get(key) as TResult;
    const answer = super.getAllAndOverride<TResult>(key, targets);
    byKey.set(key, answer);
    return answer;
  }
}
