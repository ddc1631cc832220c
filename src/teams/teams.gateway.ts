import { MessageBody, OnGatewayConnection, OnGatewayDisconnect } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { CurrentCaller } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import { ArenaGateway } from '../realtime/arena-gateway.decorator';
import { On } from '../realtime/on-event.decorator';
import { CreateTeamDto, SessionRefDto, TeamActionDto, TeamRefDto } from './dto/teams.dto';
import { TeamsService } from './teams.service';

/**
 * Teams over Socket.IO. Thin: validate, take the caller from the session, call the service. The mutating
 * events carry an `actionId` and run once per (caller, event, actionId) through the shared store, in the
 * transaction of their change.
 */
@ArenaGateway()
export class TeamsGateway implements OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly teams: TeamsService) {}

  handleConnection(socket: Socket): void {
    const caller = socket.data.caller as Caller | undefined;
    if (caller) this.teams.onConnect(caller.userId);
  }

  handleDisconnect(socket: Socket): void {
    const caller = socket.data.caller as Caller | undefined;
    if (caller) this.teams.onDisconnect(caller.userId);
  }

  @On('team:create')
  create(@CurrentCaller() caller: Caller, @MessageBody() body: CreateTeamDto) {
    return this.teams.create(caller, body.sessionId, body.name);
  }

  @On('team:join')
  join(@CurrentCaller() caller: Caller, @MessageBody() body: TeamActionDto) {
    return this.teams.join(caller, body.teamId);
  }

  @On('team:leave')
  leave(@CurrentCaller() caller: Caller, @MessageBody() body: TeamActionDto) {
    return this.teams.leave(caller, body.teamId);
  }

  @On('team:list')
  list(@CurrentCaller() caller: Caller, @MessageBody() body: SessionRefDto) {
    return this.teams.list(caller, body.sessionId);
  }

  @On('team:get')
  get(@MessageBody() body: TeamRefDto) {
    return this.teams.get(body.teamId);
  }
}
