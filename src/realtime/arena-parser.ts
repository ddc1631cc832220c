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

/**
 * Socket.IO's encoder without its binary scan: every payload Arena sends is JSON (the protocol map has no
 * binary field), so each packet is encoded as one string straight away instead of first walking the whole
 * payload looking for Buffers (a walk per emit, over every seat's view, on every action).
 */
class ArenaEncoder extends parser.Encoder {
  override encode(packet: parser.Packet): string[] {
    if (packet.type !== parser.PacketType.EVENT && packet.type !== parser.PacketType.ACK) return super.encode(packet);
    // socket.io-parser's string form: type, namespace other than `/` and a comma, ack id, JSON data.
    let text = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id != null) text += packet.id;
    if (packet.data != null) text += JSON.stringify(packet.data);
    return [text];
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

export const arenaParser = { ...parser, Encoder: ArenaEncoder, Decoder: ArenaDecoder };
