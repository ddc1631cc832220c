import { Global, Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { RealtimeGateway } from './realtime.gateway';
import { ShutdownCoordinator } from './shutdown.coordinator';
import { SocketEmitter } from './socket-emitter.service';
import { SocketReplyInterceptor } from './socket-reply.interceptor';

@Global()
@Module({
  imports: [IdentityModule],
  providers: [RealtimeGateway, SocketEmitter, ShutdownCoordinator, SocketReplyInterceptor],
  exports: [SocketEmitter, SocketReplyInterceptor],
})
export class RealtimeModule {}
