import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { REDIS, type RedisClient } from '../common/redis/redis.module';

@Injectable()
export class RedisIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  get configured(): boolean {
    return this.redis !== null;
  }

  async check(key: string, timeoutMs = 1000) {
    const indicator = this.indicators.check(key);
    try {
      const reply = await Promise.race([
        this.redis!.ping(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no reply in ${timeoutMs} ms`)), timeoutMs).unref(),
        ),
      ]);
      return reply === 'PONG' ? indicator.up() : indicator.down({ message: `unexpected reply ${reply}` });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
