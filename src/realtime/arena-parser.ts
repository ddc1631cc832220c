import * as parser from 'socket.io-parser';

/** The event name a packet naming a reserved event is delivered under; its second element is the name sent. */
export const RESERVED_EVENT = 'arena:reserved-event';

/** Names Socket.IO keeps for itself: its parser refuses a packet naming one, which closes the connection. */
const RESERVED_NAMES = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

/** An EVENT or BINARY_EVENT packet as text: type, attachments, namespace, ack id, then the JSON array. */
const EVENT_PACKET = /^([25](?:\d+-)?(?:\/[^,]*,)?\d*)(\[[\s\S]*)$/;

/**
 * Socket.IO's parser, except that an event packet naming a reserved event (which no standard client
 * sends, but a raw frame can) is delivered as RESERVED_EVENT instead of failing the whole connection, so
 * that the realtime gateway answers it with UNKNOWN_EVENT like any other unknown event. Packets are
 * decoded by the stock parser first; only one it refuses is looked at again.
 */
class ArenaDecoder extends parser.Decoder {
  override add(chunk: unknown): void {
    try {
      super.add(chunk);
    } catch (error) {
      const renamed = typeof chunk === 'string' ? markReservedName(chunk) : null;
      if (renamed === null) throw error;
      super.add(renamed);
    }
  }
}

function markReservedName(packet: string): string | null {
  const match = EVENT_PACKET.exec(packet);
  if (!match) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(match[2]);
  } catch {
    return null;
  }
  if (!Array.isArray(payload) || typeof payload[0] !== 'string' || !RESERVED_NAMES.has(payload[0])) return null;
  return match[1] + JSON.stringify([RESERVED_EVENT, ...payload]);
}

export const arenaParser = { ...parser, Decoder: ArenaDecoder };
