import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/errors/validation';
import { HttpEdgeMiddleware } from './common/http/http-edge.middleware';
import { HttpIdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { ArenaThrottlerGuard } from './common/throttling/arena-throttler.guard';
import { GamesModule } from './games/games.module';
import { HealthModule } from './health/health.module';
import { AuthGuard } from './identity/auth.guard';
import { IdentityModule } from './identity/identity.module';
import { MessagingModule } from './messaging/messaging.module';
import { ModerationModule } from './moderation/moderation.module';
import { RealtimeModule } from './realtime/realtime.module';
import { ShutdownCoordinator } from './realtime/shutdown.coordinator';
import { TeamsModule } from './teams/teams.module';
import { ChshModule } from './chsh/chsh.module';
import { MetricsModule, TelemetryModule } from './telemetry/telemetry.module';

export interface AppOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Global()
@Module({})
class ConfigHolderModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigHolderModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

@Module({})
export class AppModule implements NestModule {
  static forRoot({ config, databaseUrl }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigHolderModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (request, response) => {
              const incoming = request.headers['x-request-id'];
              const id = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
              response.setHeader('x-request-id', id);
              return id;
            },
            serializers: {
              req: (request: { id: string; method: string; url: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
              }),
              res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            },
            autoLogging: { ignore: (request) => request.url === '/health/live' || request.url === '/metrics' },
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl, config.databasePoolSize)),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        CommonModule,
        MetricsModule,
        IdentityModule,
        RealtimeModule,
        GamesModule,
        MessagingModule,
        TeamsModule,
        ChshModule,
        ModerationModule,
        TelemetryModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: ArenaThrottlerGuard },
        { provide: APP_INTERCEPTOR, useClass: HttpIdempotencyInterceptor },
        // In the root module: Nest runs its shutdown hooks before any other module's, so the drain comes first.
        ShutdownCoordinator,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpEdgeMiddleware).forRoutes('{*splat}');
  }
}
