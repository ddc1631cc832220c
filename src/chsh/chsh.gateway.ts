import { MessageBody } from '@nestjs/websockets';
import { CurrentCaller } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import { ArenaGateway } from '../realtime/arena-gateway.decorator';
import { On } from '../realtime/on-event.decorator';
import { AnswerDto, ConfigureChshDto, HostControlDto, SessionDto } from './dto/chsh.dto';
import { ChshService } from './chsh.service';

/**
 * CHSH over Socket.IO. Thin: validate, take the caller from the connection, call the service. The
 * mutating events carry an `actionId` and run once per (caller, event, actionId) in their transaction.
 */
@ArenaGateway()
export class ChshGateway {
  constructor(private readonly chsh: ChshService) {}

  @On('chsh:configure')
  configure(@CurrentCaller() caller: Caller, @MessageBody() body: ConfigureChshDto) {
    return this.chsh.configure(caller, body.sessionId, body.mode);
  }

  @On('chsh:start')
  start(@CurrentCaller() caller: Caller, @MessageBody() body: HostControlDto) {
    return this.chsh.control(caller, body.sessionId, 'start');
  }

  @On('chsh:pause')
  pause(@CurrentCaller() caller: Caller, @MessageBody() body: HostControlDto) {
    return this.chsh.control(caller, body.sessionId, 'pause');
  }

  @On('chsh:resume')
  resume(@CurrentCaller() caller: Caller, @MessageBody() body: HostControlDto) {
    return this.chsh.control(caller, body.sessionId, 'resume');
  }

  @On('chsh:restart')
  restart(@CurrentCaller() caller: Caller, @MessageBody() body: HostControlDto) {
    return this.chsh.control(caller, body.sessionId, 'restart');
  }

  @On('chsh:report')
  report(@CurrentCaller() caller: Caller, @MessageBody() body: SessionDto) {
    return this.chsh.report(caller, body.sessionId);
  }

  @On('chsh:state')
  state(@CurrentCaller() caller: Caller, @MessageBody() body: SessionDto) {
    return this.chsh.state(caller, body.sessionId);
  }

  @On('chsh:answer')
  answer(@CurrentCaller() caller: Caller, @MessageBody() body: AnswerDto) {
    return this.chsh.answer(caller, body.sessionId, { round: body.round, item: body.item, answer: body.answer });
  }
}
