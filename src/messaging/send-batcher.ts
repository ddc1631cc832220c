import type { NewMessage, SendOutcome } from './messaging.repository';

/** The largest group commit: bounds one statement's arrays and how long its row locks are held. */
export const MAX_SENDS_PER_BATCH = 256;

/**
 * Another batch starts while one is committing only when this many sends wait, or when the latest batch
 * has been committing for OVERLAP_AFTER_MS (it waits on a lock, or fell back to single sends): until then
 * they wait for the commit in flight and go together in the next, since a batch's fixed cost in
 * PostgreSQL dwarfs a message's.
 */
export const OVERLAP_MIN_QUEUE = 16;
export const OVERLAP_AFTER_MS = 5;

interface Pending {
  input: NewMessage;
  resolve: (outcome: SendOutcome) => void;
  reject: (error: unknown) => void;
}

/** What the batcher reports, for metrics. */
export interface SendBatchObserver {
  committed(size: number): void;
  fellBack(size: number): void;
}

const UNOBSERVED: SendBatchObserver = { committed: () => undefined, fellBack: () => undefined };

export interface SendStore {
  /** All of them in one statement and one commit, or none (it throws). */
  sendBatch(inputs: NewMessage[]): Promise<SendOutcome[]>;
  /** One on its own, with its own retry and its own error. */
  send(input: NewMessage): Promise<SendOutcome>;
}

/**
 * Group commit for chat sends: the sends submitted in one turn of the event loop are stored by one
 * statement, in one commit, with up to `concurrency` such batches in flight. A commit costs PostgreSQL
 * a WAL flush and Node a pool checkout and a round trip; shared by a batch, they stop bounding how
 * many messages per second one process can make durable. Each send still gets its own outcome.
 *
 * If a batch fails as a whole (a racing copy of one of its messages from another process, a sender
 * deleted meanwhile), its sends are retried one by one, so each gets the answer or the error it would
 * have had alone.
 */
export class SendBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  /** When the latest batch in flight started. */
  private latestStart = 0;
  /** Wakes the pump when the batch in flight has run long enough for another to start beside it. */
  private overlapTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: SendStore,
    private readonly concurrency: number,
    private readonly observer: SendBatchObserver = UNOBSERVED,
    private readonly clock: () => number = Date.now,
  ) {}

  submit(input: NewMessage): Promise<SendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Batches being committed right now (for tests and metrics). */
  get batchesInFlight(): number {
    return this.inFlight;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.mayStart()) {
      const batch = this.take();
      this.inFlight += 1;
      this.latestStart = this.clock();
      void this.commit(batch).finally(() => {
        this.inFlight -= 1;
        if (this.queue.length > 0) this.schedule();
      });
    }
    if (this.queue.length > 0 && this.inFlight < this.concurrency && this.overlapTimer === null) {
      this.overlapTimer = setTimeout(
        () => {
          this.overlapTimer = null;
          this.pump();
        },
        Math.max(0, this.latestStart + OVERLAP_AFTER_MS - this.clock()),
      );
    }
  }

  private mayStart(): boolean {
    if (this.inFlight === 0) return true;
    if (this.inFlight >= this.concurrency) return false;
    return this.queue.length >= OVERLAP_MIN_QUEUE || this.clock() - this.latestStart >= OVERLAP_AFTER_MS;
  }

  /** The next batch, in arrival order; a repeat of a (sender, clientMsgId) already in it waits for the next one. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const keys = new Set<string>();
    for (const pending of this.queue) {
      const key = `${pending.input.senderId}\u0000${pending.input.clientMsgId}`;
      if (batch.length >= MAX_SENDS_PER_BATCH || keys.has(key)) {
        rest.push(pending);
      } else {
        keys.add(key);
        batch.push(pending);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async commit(batch: Pending[]): Promise<void> {
    let outcomes: SendOutcome[];
    try {
      outcomes = await this.store.sendBatch(batch.map((p) => p.input));
    } catch {
      // One by one, in arrival order: a rare path, where keeping each conversation's order matters more than speed.
      for (const pending of batch) await this.settle(pending, () => this.store.send(pending.input));
      this.report(() => this.observer.fellBack(batch.length));
      return;
    }
    batch.forEach((pending, i) => pending.resolve(outcomes[i]));
    this.report(() => this.observer.committed(batch.length));
  }

  private async settle(pending: Pending, send: () => Promise<SendOutcome>): Promise<void> {
    try {
      pending.resolve(await send());
    } catch (error) {
      pending.reject(error);
    }
  }

  /** Metrics must never cost a sender its answer. */
  private report(observe: () => void): void {
    try {
      observe();
    } catch {
      // nothing to do: the sends are answered already
    }
  }
}
