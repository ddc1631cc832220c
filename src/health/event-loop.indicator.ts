import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop lag (p99 over the last window): a blocked loop delays every player's ack. */
@Injectable()
export class EventLoopIndicator implements OnModuleDestroy {
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

  onModuleDestroy(): void {
    this.histogram.disable();
  }
}
