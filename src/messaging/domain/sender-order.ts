/**
 * Runs each sender's sends one after another, in the order they reached the server, while different
 * senders run side by side: a client that fires several messages without waiting for their acks still
 * gets them stored in the order it sent them. (Within one process; a user's sockets on two processes are
 * two senders whose relative order nobody could observe anyway.)
 */
export class SenderOrder {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(senderId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(senderId);
    const result = previous ? previous.then(work, work) : work();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(senderId, tail);
    void tail.then(() => {
      if (this.tails.get(senderId) === tail) this.tails.delete(senderId);
    });
    return result;
  }

  /** Senders with sends queued or running. */
  get busySenders(): number {
    return this.tails.size;
  }
}
