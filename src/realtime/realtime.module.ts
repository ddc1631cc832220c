import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { IdentityModule } from '../identity/identity.module';
import { RealtimeGateway } from './realtime.gateway';
import { SessionWatch } from './session-watch.service';
import { ShutdownCoordinator } from './shutdown.coordinator';
import { SocketEmitter } from './socket-emitter.service';
import { SocketDispatcher } from '../fast-path/socket-dispatcher';

@Global()
@Module({
  imports: [IdentityModule, DiscoveryModule],
  providers: [RealtimeGateway, SocketEmitter, SessionWatch, ShutdownCoordinator, SocketDispatcher],
  exports: [SocketEmitter],
})
export class RealtimeModule {}
