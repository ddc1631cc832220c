import { Controller, Get, Header, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../identity/auth.decorators';
import type { Caller } from '../identity/caller';
import { ChshService } from './chsh.service';

/** A CHSH session's statistics over REST, for its host and moderators: JSON, and the rounds as CSV. */
@ApiTags('chsh')
@ApiBearerAuth()
@Controller('chsh/sessions')
export class ChshController {
  constructor(private readonly chsh: ChshService) {}

  @Get(':sessionId/statistics')
  statistics(@CurrentCaller() caller: Caller, @Param('sessionId', ParseUUIDPipe) sessionId: string) {
    return this.chsh.report(caller, sessionId);
  }

  @Get(':sessionId/rounds.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="chsh-rounds.csv"')
  csv(@CurrentCaller() caller: Caller, @Param('sessionId', ParseUUIDPipe) sessionId: string) {
    return this.chsh.csv(caller, sessionId);
  }
}
