import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Event-loop lag (p99 since the previous check): a blocked loop delays every player's ack. The first window
 * starts once the app has booted, so loading modules and running migrations do not fail the first probe.
 */
@Injectable()
export class EventLoopIndicator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor(private readonly indicators: HealthIndicatorService) {
    this.histogram.enable();
  }

  check(key: string, limitMs: number) {
    const lagMs = Math.round(this.histogram.percentile(99) / 1e6);
    this.histogram.reset();
    const indicator = this.indicators.check(key);
    return lagMs <= limitMs ? indicator.up({ lagMs }) : indicator.down({ lagMs, limitMs });
  }

  onApplicationBootstrap(): void {
    this.histogram.reset();
  }

  onModuleDestroy(): void {
    this.histogram.disable();
  }
}
