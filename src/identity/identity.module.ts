import { Module } from '@nestjs/common';
import { AgentsController } from './agents.controller';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';
import { AdminBootstrap } from './admin-bootstrap';
import { IdentityGateway } from './identity.gateway';

@Module({
  controllers: [AuthController, AgentsController],
  providers: [IdentityRepository, IdentityService, AuthGuard, AdminBootstrap, IdentityGateway],
  exports: [IdentityService, AuthGuard],
})
export class IdentityModule {}
