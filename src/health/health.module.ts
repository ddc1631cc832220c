import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventLoopIndicator } from './event-loop.indicator';
import { HealthController } from './health.controller';
import { RedisIndicator } from './redis.indicator';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [EventLoopIndicator, RedisIndicator],
})
export class HealthModule {}
