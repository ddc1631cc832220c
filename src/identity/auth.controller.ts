import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthThrottle } from '../common/throttling/throttling.module';
import type { Caller } from './caller';
import { CurrentCaller, Public } from './auth.decorators';
import { AgentSignInDto, GuestSignInDto, LoginDto, RegisterDto, RenameDto } from './dto/auth.dto';
import { IdentityService, type PublicUser, type SessionGrant } from './identity.service';
import { SensitiveResponse } from '../common/idempotency/idempotency.interceptor';

@ApiTags('identity')
@Controller()
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @AuthThrottle()
  @SensitiveResponse()
  @Post('auth/guest')
  guest(@Body() body: GuestSignInDto): Promise<SessionGrant> {
    return this.identity.signInGuest(body.displayName);
  }

  @Public()
  @AuthThrottle()
  @SensitiveResponse()
  @Post('auth/register')
  register(@Body() body: RegisterDto): Promise<SessionGrant> {
    return this.identity.register(body.username, body.password, body.displayName);
  }

  @Public()
  @AuthThrottle()
  @SensitiveResponse()
  @HttpCode(200)
  @Post('auth/login')
  login(@Body() body: LoginDto): Promise<SessionGrant> {
    return this.identity.login(body.username, body.password);
  }

  @Public()
  @AuthThrottle()
  @SensitiveResponse()
  @HttpCode(200)
  @Post('auth/agent')
  agent(@Body() body: AgentSignInDto): Promise<SessionGrant> {
    return this.identity.signInAgent(body.agentKey);
  }

  @ApiBearerAuth()
  @HttpCode(204)
  @Post('auth/logout')
  async logout(@CurrentCaller() caller: Caller): Promise<void> {
    await this.identity.logout(caller);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentCaller() caller: Caller): Promise<PublicUser> {
    return this.identity.me(caller);
  }

  @ApiBearerAuth()
  @Patch('me')
  rename(@CurrentCaller() caller: Caller, @Body() body: RenameDto): Promise<PublicUser> {
    return this.identity.renameSelf(caller, body.displayName);
  }
}
