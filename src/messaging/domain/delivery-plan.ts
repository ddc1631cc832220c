/** A committed message on its way out, with the socket that sent it (which has it in its ack already). */
export interface Committed<M> {
  message: M;
  originSocketId?: string;
}

/**
 * Who gets what of one conversation's messages released together (one group commit): every socket of
 * the conversation gets all of them, except that a sending socket does not get its own messages again.
 * So the room gets everything minus the sending sockets, and each sending socket gets, on its own, the
 * others' messages (if any). Messages keep their order throughout; how they are packed is the caller's.
 */
export interface DeliveryPlan<M> {
  /** Sockets of the conversation's room that get `messages` together. */
  room: { exceptSocketIds: string[]; messages: M[] };
  /** What each sending socket gets instead: the messages that came from other sockets. */
  origins: Array<{ socketId: string; messages: M[] }>;
}

export function planDelivery<M>(committed: ReadonlyArray<Committed<M>>): DeliveryPlan<M> {
  const origins = [...new Set(committed.flatMap((c) => (c.originSocketId === undefined ? [] : [c.originSocketId])))];
  return {
    room: { exceptSocketIds: origins, messages: committed.map((c) => c.message) },
    origins: origins
      .map((socketId) => ({
        socketId,
        messages: committed.filter((c) => c.originSocketId !== socketId).map((c) => c.message),
      }))
      .filter((o) => o.messages.length > 0),
  };
}
