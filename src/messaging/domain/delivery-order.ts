/**
 * Keeps live delivery in seq order within this process. Sends of one conversation commit in seq order,
 * but their results can reach Node out of order (separate connections); a message that arrives past a
 * gap is held until the sends that were in flight when it arrived have finished (one of them holds the
 * missing seq, or none does: it came from another process or its result was lost, and the client fills
 * the gap from history). A message right after the last one delivered goes out at once.
 */
export class DeliveryOrder<M extends { seq: number }> {
  private nextTicket = 1;
  private readonly lanes = new Map<string, Lane<M>>();

  constructor(private readonly maxIdleLanes = 10_000) {}

  /** A send of this conversation is about to run; pass the ticket to `finish`. */
  begin(conversationId: string): number {
    const ticket = this.nextTicket++;
    this.lane(conversationId).inFlight.add(ticket);
    return ticket;
  }

  /** The send finished: with its committed message, or with none (failed, or a duplicate not to re-deliver). Returns what may go out now, in order. */
  finish(conversationId: string, ticket: number | null, message: M | null): M[] {
    const lane = this.lane(conversationId);
    if (ticket !== null) {
      lane.inFlight.delete(ticket);
      for (const held of lane.held) held.waitingOn.delete(ticket);
    }
    if (message && (lane.lastSeq === null || message.seq > lane.lastSeq)) {
      lane.held.push({ message, waitingOn: new Set(lane.inFlight) });
      lane.held.sort((a, b) => a.message.seq - b.message.seq);
    }
    const ready: M[] = [];
    while (lane.held.length > 0) {
      const head = lane.held[0];
      // With nothing delivered yet there is no known next seq: wait for the sends that were in flight.
      const next = lane.lastSeq !== null && head.message.seq === lane.lastSeq + 1;
      if (!next && head.waitingOn.size > 0) break;
      lane.held.shift();
      if (lane.lastSeq !== null && head.message.seq <= lane.lastSeq) continue;
      lane.lastSeq = head.message.seq;
      ready.push(head.message);
    }
    this.trim();
    return ready;
  }

  /** Conversations with messages held back (for tests and metrics). */
  heldCount(conversationId: string): number {
    return this.lanes.get(conversationId)?.held.length ?? 0;
  }

  private lane(conversationId: string): Lane<M> {
    let lane = this.lanes.get(conversationId);
    if (lane) {
      // Re-insert to keep the map in least-recently-used order.
      this.lanes.delete(conversationId);
    } else {
      lane = { lastSeq: null, inFlight: new Set(), held: [] };
    }
    this.lanes.set(conversationId, lane);
    return lane;
  }

  /** Forgets the least recently used idle conversations; a forgotten one simply starts again from its next message. */
  private trim(): void {
    if (this.lanes.size <= this.maxIdleLanes) return;
    for (const [id, lane] of this.lanes) {
      if (this.lanes.size <= this.maxIdleLanes) break;
      if (lane.inFlight.size === 0 && lane.held.length === 0) this.lanes.delete(id);
    }
  }
}

interface Lane<M> {
  lastSeq: number | null;
  inFlight: Set<number>;
  held: Array<{ message: M; waitingOn: Set<number> }>;
}
