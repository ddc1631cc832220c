import fc from 'fast-check';
import { DeliveryOrder } from '../../../src/messaging/domain/delivery-order';
import { SenderOrder } from '../../../src/messaging/domain/sender-order';

const m = (seq: number) => ({ seq });

describe('live delivery order', () => {
  it('sends a message that follows the last one at once', () => {
    const order = new DeliveryOrder<{ seq: number }>();
    const first = order.begin('c');
    expect(order.finish('c', first, m(1))).toEqual([m(1)]);
    const a = order.begin('c');
    const b = order.begin('c');
    expect(order.finish('c', a, m(2))).toEqual([m(2)]);
    expect(order.finish('c', b, m(3))).toEqual([m(3)]);
  });

  it('holds a message past a gap until the send that fills it finishes', () => {
    const order = new DeliveryOrder<{ seq: number }>();
    order.finish('c', order.begin('c'), m(1));
    const slow = order.begin('c');
    const fast = order.begin('c');
    expect(order.finish('c', fast, m(3))).toEqual([]);
    expect(order.heldCount('c')).toBe(1);
    expect(order.finish('c', slow, m(2))).toEqual([m(2), m(3)]);
  });

  it('lets a held message go when the sends it waited for finished without filling the gap', () => {
    const order = new DeliveryOrder<{ seq: number }>();
    order.finish('c', order.begin('c'), m(1));
    const failed = order.begin('c');
    const next = order.begin('c');
    expect(order.finish('c', next, m(3))).toEqual([]);
    expect(order.finish('c', failed, null)).toEqual([m(3)]);
  });

  it("does not hold for sends that began after the message arrived, nor for another process's seqs", () => {
    const order = new DeliveryOrder<{ seq: number }>();
    order.finish('c', order.begin('c'), m(1));
    expect(order.finish('c', null, m(5))).toEqual([m(5)]); // seqs 2-4 came from elsewhere; nothing here can fill them
    const held = order.begin('c');
    const late = order.begin('c');
    expect(order.finish('c', held, m(7))).toEqual([]);
    expect(order.finish('c', late, null)).toEqual([m(7)]);
  });

  it('never delivers a seq twice or backwards, and keeps conversations apart', () => {
    const order = new DeliveryOrder<{ seq: number }>();
    expect(order.finish('a', null, m(4))).toEqual([m(4)]);
    expect(order.finish('a', null, m(3))).toEqual([]);
    expect(order.finish('a', null, m(4))).toEqual([]);
    expect(order.finish('b', null, m(1))).toEqual([m(1)]);
  });

  it('delivers every message of one process exactly once and in seq order, however results arrive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
          ),
        ),
        ([n, finishOrder]) => {
          const order = new DeliveryOrder<{ seq: number }>();
          // Sends begin in seq order (the row lock orders them) and finish in any order.
          const tickets = Array.from({ length: n }, () => order.begin('c'));
          const delivered = finishOrder.flatMap((i) => order.finish('c', tickets[i], m(i + 1)));
          expect(delivered).toEqual(Array.from({ length: n }, (_, i) => m(i + 1)));
        },
      ),
    );
  });

  it('forgets idle conversations beyond its bound', () => {
    const order = new DeliveryOrder<{ seq: number }>(2);
    for (const id of ['a', 'b', 'c']) order.finish(id, null, m(1));
    // 'c' still knows seq 1 went out; 'a' was forgotten, so a stale copy of seq 1 would go out again.
    expect(order.finish('c', null, m(1))).toEqual([]);
    expect(order.finish('a', null, m(1))).toEqual([m(1)]);
  });
});

describe('sender order', () => {
  it("runs one sender's work in arrival order and different senders side by side", async () => {
    const order = new SenderOrder();
    const log: string[] = [];
    const step = (name: string, ms: number) => () =>
      new Promise<string>((resolve) => setTimeout(() => (log.push(name), resolve(name)), ms));
    const results = await Promise.all([
      order.run('ada', step('ada-1', 20)),
      order.run('ada', step('ada-2', 1)),
      order.run('bob', step('bob-1', 5)),
    ]);
    expect(results).toEqual(['ada-1', 'ada-2', 'bob-1']);
    expect(log).toEqual(['bob-1', 'ada-1', 'ada-2']);
    expect(order.busySenders).toBe(0);
  });

  it('goes on after a failure and reports it to its caller only', async () => {
    const order = new SenderOrder();
    const failed = order.run('ada', async () => {
      throw new Error('refused');
    });
    const next = order.run('ada', async () => 'sent');
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('sent');
  });
});
