import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SensitiveResponse } from '../common/idempotency/idempotency.interceptor';
import type { Caller } from './caller';
import { CurrentCaller } from './auth.decorators';
import { CreateAgentDto } from './dto/auth.dto';
import { IdentityService, type AgentGrant, type PublicUser } from './identity.service';

/** A registered user's automated players. The agent key is returned once, at creation. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('agents')
export class AgentsController {
  constructor(private readonly identity: IdentityService) {}

  @SensitiveResponse()
  @Post()
  create(@CurrentCaller() caller: Caller, @Body() body: CreateAgentDto): Promise<AgentGrant> {
    return this.identity.createAgent(caller, body.displayName);
  }

  @Get()
  list(@CurrentCaller() caller: Caller): Promise<PublicUser[]> {
    return this.identity.listAgents(caller);
  }

  @HttpCode(204)
  @Delete(':agentId')
  async disable(
    @CurrentCaller() caller: Caller,
    @Param('agentId', new ParseUUIDPipe()) agentId: string,
  ): Promise<void> {
    await this.identity.disableAgent(caller, agentId);
  }
}
