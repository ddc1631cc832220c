import { MemoryThrottlerStorage } from '../../src/common/throttling/memory-throttler.storage';

describe('in-process throttling counters', () => {
  let now = 1_000_000;
  const storage = new MemoryThrottlerStorage(() => now);

  it('counts hits in a fixed window, blocks past the limit, and starts afresh after the block', async () => {
    const hit = () => storage.increment('user-1', 1000, 3, 5000, 'user');
    expect((await hit()).isBlocked).toBe(false);
    await hit();
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 5 });
    now += 1500; // the window is over but the block is not
    expect((await hit()).isBlocked).toBe(true);
    now += 4000; // both over
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps keys and throttler names apart', async () => {
    await storage.increment('a', 1000, 1, 1000, 'ip');
    expect((await storage.increment('a', 1000, 1, 1000, 'ip')).isBlocked).toBe(true);
    expect((await storage.increment('b', 1000, 1, 1000, 'ip')).isBlocked).toBe(false);
    expect((await storage.increment('a', 1000, 1, 1000, 'user')).isBlocked).toBe(false);
  });
});
