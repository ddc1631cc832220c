import fc from 'fast-check';
import * as parser from 'socket.io-parser';
import { arenaParser } from '../../../src/realtime/arena-parser';

describe('arenaParser encoder', () => {
  const stock = new parser.Encoder();
  const arena = new arenaParser.Encoder();

  it('writes every JSON event and ack exactly as socket.io-parser does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(parser.PacketType.EVENT, parser.PacketType.ACK),
        fc.constantFrom('/', '/admin'),
        fc.option(fc.nat(), { nil: undefined }),
        fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }),
        (type, nsp, id, data) => {
          const packet = { type, nsp, id, data };
          expect(arena.encode(packet)).toEqual(stock.encode(packet));
        },
      ),
    );
  });

  it('sends a room update that a standard client decodes back to the same payload', () => {
    const update = ['room:update', { roomId: 'r1', seq: 7, view: { seats: [{ seat: 0, name: 'Ann' }] }, events: [] }];
    const [text] = arena.encode({ type: parser.PacketType.EVENT, nsp: '/', data: update });
    const decoder = new parser.Decoder();
    let decoded: unknown;
    decoder.on('decoded', (packet: parser.Packet) => (decoded = packet.data));
    decoder.add(text);
    expect(decoded).toEqual(update);
  });

  it('leaves packets other than events and acks to socket.io-parser', () => {
    const connect = { type: parser.PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } };
    expect(arena.encode(connect)).toEqual(stock.encode(connect));
  });
});
