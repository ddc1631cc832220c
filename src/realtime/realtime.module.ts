import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { IdentityModule } from '../identity/identity.module';
import { RealtimeGateway } from './realtime.gateway';
import { SessionWatch } from './session-watch.service';
import { SocketBackpressure } from './socket-backpressure';
import { SocketEmitter } from './socket-emitter.service';
import { SocketDispatcher } from '../fast-path/socket-dispatcher';

@Global()
@Module({
  imports: [IdentityModule, DiscoveryModule],
  providers: [RealtimeGateway, SocketEmitter, SocketBackpressure, SessionWatch, SocketDispatcher],
  // ShutdownCoordinator is the root module's: see there.
  exports: [SocketEmitter, SocketBackpressure, SocketDispatcher],
})
export class RealtimeModule {}
