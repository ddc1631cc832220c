import { ExecutionContext, Module, SetMetadata } from '@nestjs/common';
import { SkipThrottle, ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { REDIS, type RedisClient } from '../redis/redis.module';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import type { ThrottleSubject } from './arena-throttler.guard';
import { ArenaThrottlerGuard, isFirstRunCheck } from './arena-throttler.guard';
import { replayable } from '../idempotency/idempotency.interceptor';

const AUTH_THROTTLE = 'arena:auth-throttle';
/** Sign-in routes: an extra, stricter per-address limit against password guessing. */
export const AuthThrottle = () => SetMetadata(AUTH_THROTTLE, true);

const REPORT_THROTTLE = 'arena:report-throttle';
/** Player reports: an extra per-user limit (REPORT_THROTTLE_LIMIT per REPORT_THROTTLE_TTL_MS) against report floods. */
export const ReportThrottle = () => SetMetadata(REPORT_THROTTLE, true);

/** Operations endpoints (/health, /metrics) are never throttled: probes must always get through. */
export const NoThrottle = () => SkipThrottle({ ip: true, user: true, auth: true, report: true });

const isAuthRoute = (context: ExecutionContext) => Reflect.getMetadata(AUTH_THROTTLE, context.getHandler()) === true;
const isReportRoute = (context: ExecutionContext) =>
  Reflect.getMetadata(REPORT_THROTTLE, context.getHandler()) === true;
/** A route's own limit waits for the first run of a request that may be a replay (ArenaThrottlerGuard.checkFirstRun). */
const routeLimitWaits = (context: ExecutionContext) =>
  !isFirstRunCheck(context) && context.getType() === 'http' && replayable(context.switchToHttp().getRequest());

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisClient) => ({
        throttlers: [
          {
            name: 'ip',
            ttl: config.throttle.ttlMs,
            limit: config.throttle.ipLimit,
            getTracker: (req) => (req as ThrottleSubject).ip,
            skipIf: isFirstRunCheck,
          },
          {
            name: 'user',
            ttl: config.throttle.ttlMs,
            limit: config.throttle.userLimit,
            getTracker: (req) => (req as ThrottleSubject).caller?.userId ?? 'anonymous',
            skipIf: (context) => !callerPresent(context) || isFirstRunCheck(context),
          },
          {
            name: 'auth',
            ttl: config.throttle.ttlMs,
            limit: config.throttle.authLimit,
            getTracker: (req) => (req as ThrottleSubject).ip,
            skipIf: (context) => !isAuthRoute(context) || routeLimitWaits(context),
          },
          {
            name: 'report',
            ttl: config.moderation.reportThrottle.ttlMs,
            limit: config.moderation.reportThrottle.limit,
            getTracker: (req) => (req as ThrottleSubject).caller?.userId ?? (req as ThrottleSubject).ip,
            skipIf: (context) => !isReportRoute(context) || routeLimitWaits(context),
          },
        ],
        storage: redis
          ? new RedisThrottlerStorage(redis, `${config.redisPrefix}:throttle:`)
          : new MemoryThrottlerStorage(),
        setHeaders: false,
      }),
    }),
  ],
  providers: [ArenaThrottlerGuard],
  exports: [ArenaThrottlerGuard, ThrottlerModule],
})
export class ThrottlingModule {}

function callerPresent(context: ExecutionContext): boolean {
  if (context.getType() === 'ws') return Boolean(context.switchToWs().getClient().data?.caller);
  return Boolean(context.switchToHttp().getRequest().caller);
}
