import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { AppError } from '../common/errors/app-error';
import { callerOf, type Caller, type Role } from './caller';

export const PUBLIC_ROUTE = 'arena:public';
export const REQUIRED_ROLES = 'arena:roles';

/** The route needs no session (sign-in, health, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route needs one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller of a REST request or socket event. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller =
    context.getType() === 'ws'
      ? (context.switchToWs().getClient<Socket>().data.caller as Caller | undefined)
      : callerOf(context.switchToHttp().getRequest());
  if (!caller) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return caller;
});
