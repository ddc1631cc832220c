import { HealthIndicatorService } from '@nestjs/terminus';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLoopIndicator } from '../../../src/health/event-loop.indicator';

/** Holds the event loop the way a synchronous hot spot would, then lets the delay monitor sample it. */
async function blockLoop(ms: number): Promise<void> {
  await sleep(60); // the monitor's first tick only sets its baseline
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else can run
  }
  await sleep(60);
}

describe('EventLoopIndicator', () => {
  let indicator: EventLoopIndicator;

  beforeEach(() => {
    indicator = new EventLoopIndicator(new HealthIndicatorService());
  });
  afterEach(() => indicator.onModuleDestroy());

  it('reports down, with the lag and the limit, after the loop was blocked past the limit', async () => {
    await blockLoop(300);
    expect(indicator.check('event_loop', 100)).toEqual({
      event_loop: { status: 'down', lagMs: expect.any(Number), limitMs: 100 },
    });
  });

  it('starts a new window at each check, so a past stall does not fail every later probe', async () => {
    await blockLoop(300);
    expect(indicator.check('event_loop', 100).event_loop.status).toBe('down');
    await sleep(100);
    expect(indicator.check('event_loop', 100).event_loop.status).toBe('up');
  });

  it('does not count the boot: the first window starts when the app has bootstrapped', async () => {
    await blockLoop(300);
    indicator.onApplicationBootstrap();
    await sleep(100);
    expect(indicator.check('event_loop', 100).event_loop.status).toBe('up');
  });
});
