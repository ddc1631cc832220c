import { MessageBody } from '@nestjs/websockets';
import { IsString, Length } from 'class-validator';
import { ArenaGateway } from '../realtime/arena-gateway.decorator';
import type { Caller } from './caller';
import { CurrentCaller } from './auth.decorators';
import { IdentityService, type PublicUser } from './identity.service';
import { On } from '../realtime/on-event.decorator';

export class RenameEventDto {
  @IsString()
  @Length(1, 64)
  actionId: string;

  @IsString()
  @Length(1, 64)
  displayName: string;
}

/** Identity over Socket.IO: who am I, and renaming oneself as an exactly-once action. */
@ArenaGateway()
export class IdentityGateway {
  constructor(private readonly identity: IdentityService) {}

  @On('session:whoami')
  whoami(@CurrentCaller() caller: Caller): Promise<PublicUser> {
    return this.identity.me(caller);
  }

  @On('profile:rename')
  rename(@CurrentCaller() caller: Caller, @MessageBody() body: RenameEventDto): Promise<PublicUser> {
    return this.identity.renameSelf(caller, body.displayName);
  }
}
