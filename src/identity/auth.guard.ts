import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Socket } from 'socket.io';
import { AppError } from '../common/errors/app-error';
import { HandlerMetadataReflector } from '../fast-path/handler-metadata';
import type { Caller, Role, WithCaller } from './caller';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators';
import { IdentityService } from './identity.service';

/**
 * The one guard for REST and Socket.IO. REST reads `Authorization: Bearer <token>`; a socket was
 * authenticated at its handshake and carries its caller on `socket.data`. Roles are checked after.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Public and role metadata, read once per handler. */
  private readonly reflector = new HandlerMetadataReflector();

  constructor(private readonly identity: IdentityService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const caller = context.getType() === 'ws' ? this.socketCaller(context) : await this.httpCaller(context, isPublic);
    if (isPublic) return true;
    if (!caller) throw new AppError('UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token>');
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && !roles.includes(caller.role)) throw new AppError('FORBIDDEN', `Needs role ${roles.join(' or ')}`);
    return true;
  }

  private socketCaller(context: ExecutionContext): Caller | undefined {
    return context.switchToWs().getClient<Socket>().data.caller as Caller | undefined;
  }

  private async httpCaller(context: ExecutionContext, isPublic: boolean): Promise<Caller | undefined> {
    const request = context.switchToHttp().getRequest<Request & WithCaller>();
    const header = request.header('authorization');
    if (!header) return undefined;
    const [scheme, token] = header.split(' ');
    const caller = scheme?.toLowerCase() === 'bearer' ? await this.identity.authenticate(token) : null;
    if (!caller) {
      if (isPublic) return undefined;
      throw new AppError('UNAUTHENTICATED', 'The session token is unknown, expired or revoked');
    }
    request.caller = caller;
    return caller;
  }
}
