import type { NewMessage, SendOutcome } from '../../../src/messaging/messaging.repository';
import {
  MAX_SENDS_PER_BATCH,
  OVERLAP_AFTER_MS,
  OVERLAP_MIN_QUEUE,
  SendBatcher,
  type SendStore,
} from '../../../src/messaging/send-batcher';

/** An in-memory store that records how it was called; batches finish when the test says so. */
class RecordingStore implements SendStore {
  readonly batches: string[][] = [];
  readonly singles: string[] = [];
  failBatches = false;
  private readonly gates: Array<() => void> = [];

  async sendBatch(inputs: NewMessage[]): Promise<SendOutcome[]> {
    this.batches.push(inputs.map((i) => i.clientMsgId));
    await new Promise<void>((resolve) => this.gates.push(resolve));
    if (this.failBatches) throw new Error('a racing copy committed first');
    return inputs.map((i) => this.outcome(i));
  }

  async send(input: NewMessage): Promise<SendOutcome> {
    this.singles.push(input.clientMsgId);
    if (input.clientMsgId.startsWith('bad')) throw new Error(`refused ${input.clientMsgId}`);
    return this.outcome(input);
  }

  /** Lets every batch started so far finish. */
  release(): void {
    for (const open of this.gates.splice(0)) open();
  }

  private outcome(input: NewMessage): SendOutcome {
    return {
      outcome: 'sent',
      message: {
        id: input.clientMsgId,
        conversationId: input.conversationId,
        seq: 1,
        senderId: input.senderId,
        clientMsgId: input.clientMsgId,
        body: input.body,
        sentAt: '',
      },
    };
  }
}

const input = (clientMsgId: string, senderId = 'ada'): NewMessage => ({
  conversationId: 'c',
  senderId,
  clientMsgId,
  body: 'hi',
  roomRuleChecked: false,
});
/** Past the batcher's next scheduling point (it schedules from setImmediate, after promise callbacks). */
const turn = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
};

describe('SendBatcher', () => {
  it('stores the sends of one event-loop turn in one batch, and answers each with its own outcome', async () => {
    const store = new RecordingStore();
    const batcher = new SendBatcher(store, 2);
    const answers = Promise.all(['m1', 'm2', 'm3'].map((id) => batcher.submit(input(id))));
    await turn();
    store.release();
    expect((await answers).map((o) => ('message' in o ? o.message.id : null))).toEqual(['m1', 'm2', 'm3']);
    expect(store.batches).toEqual([['m1', 'm2', 'm3']]);
  });

  it('keeps at most `concurrency` batches in flight; what arrives meanwhile goes into the next batch', async () => {
    const store = new RecordingStore();
    const batcher = new SendBatcher(store, 1);
    const first = batcher.submit(input('m1'));
    await turn();
    const later = [batcher.submit(input('m2')), batcher.submit(input('m3'))];
    await turn();
    expect(store.batches).toEqual([['m1']]);
    expect(batcher.batchesInFlight).toBe(1);
    store.release();
    await first;
    await turn();
    expect(store.batches).toEqual([['m1'], ['m2', 'm3']]);
    store.release();
    await Promise.all(later);
  });

  it('starts a second batch beside the one committing only once enough sends wait; fewer wait for it and go together', async () => {
    const store = new RecordingStore();
    // A clock that stands still: however slow this machine, the first batch never counts as stuck.
    const batcher = new SendBatcher(store, 2, undefined, () => 0);
    const first = batcher.submit(input('m1'));
    await turn();
    const few = Array.from({ length: OVERLAP_MIN_QUEUE - 1 }, (_, i) => batcher.submit(input(`few-${i}`)));
    await turn();
    expect(store.batches).toHaveLength(1);
    const more = batcher.submit(input('one-more'));
    await turn();
    expect(store.batches).toHaveLength(2);
    expect(store.batches[1]).toEqual([...few.map((_, i) => `few-${i}`), 'one-more']);
    expect(batcher.batchesInFlight).toBe(2);
    store.release();
    await Promise.all([first, ...few, more]);
  });

  it('does not let a batch that is stuck (on a lock, in its fallback) hold up a few waiting sends for long', async () => {
    const store = new RecordingStore();
    const batcher = new SendBatcher(store, 2);
    const stuck = batcher.submit(input('stuck'));
    await turn();
    const waiting = batcher.submit(input('waiting'));
    await turn();
    expect(store.batches).toEqual([['stuck']]);
    await new Promise((resolve) => setTimeout(resolve, OVERLAP_AFTER_MS * 4));
    expect(store.batches).toEqual([['stuck'], ['waiting']]);
    store.release();
    await Promise.all([stuck, waiting]);
  });

  it('puts a repeat of a (sender, clientMsgId) already in the batch into the next one', async () => {
    const store = new RecordingStore();
    const batcher = new SendBatcher(store, 1);
    const all = Promise.all([
      batcher.submit(input('same')),
      batcher.submit(input('same', 'bob')),
      batcher.submit(input('same')),
    ]);
    await turn();
    store.release();
    await turn();
    store.release();
    await all;
    expect(store.batches).toEqual([['same', 'same'], ['same']]);
  });

  it(`splits more than ${MAX_SENDS_PER_BATCH} sends into several batches`, async () => {
    const store = new RecordingStore();
    const batcher = new SendBatcher(store, 4);
    const all = Promise.all(
      Array.from({ length: MAX_SENDS_PER_BATCH + OVERLAP_MIN_QUEUE + 1 }, (_, i) => batcher.submit(input(`m${i}`))),
    );
    await turn();
    // What is left over is enough to commit beside the first batch.
    expect(store.batches.map((b) => b.length)).toEqual([MAX_SENDS_PER_BATCH, OVERLAP_MIN_QUEUE + 1]);
    store.release();
    await all;
  });

  it('when a batch fails as a whole, sends each on its own, in arrival order: every caller gets its own answer or its own error', async () => {
    const store = new RecordingStore();
    store.failBatches = true;
    const batcher = new SendBatcher(store, 2);
    const answers = ['m1', 'bad', 'm3'].map((id) =>
      batcher.submit(input(id)).then(
        (o) => o.outcome,
        (e: Error) => e.message,
      ),
    );
    await turn();
    store.release();
    expect(await Promise.all(answers)).toEqual(['sent', 'refused bad', 'sent']);
    expect(store.singles).toEqual(['m1', 'bad', 'm3']);
  });
});
