import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The benchmark's yardstick: a bare Socket.IO server doing the same room broadcast as Arena's bench
 * game, in memory (no database, no framework): ack the action, then send each seat its own view and
 * the spectators theirs. Run as its own process: `node dist/bench/bare-server.js <port>`.
 */
interface BareRoom {
  seq: number;
  counter: number;
  bumps: Record<number, number>;
  seats: number[];
  last: { seat: number; value: number } | null;
}

const port = Number(process.argv[2] ?? 0);
const rooms = new Map<string, BareRoom>();
const httpServer = createServer();
const io = new Server(httpServer, { transports: ['websocket'], maxHttpBufferSize: 1e6 });

const view = (roomId: string, room: BareRoom, seat: number | 'spectator') => ({
  roomId,
  gameId: 'bench',
  phase: 'playing',
  seq: room.seq,
  seats: room.seats.map((s) => ({ seat: s, name: `Seat ${s}`, kind: 'human', control: 'player', away: false, host: s === 0 })),
  you: { seat: seat === 'spectator' ? null : seat },
  game: { game: 'bench', phase: 'playing', counter: room.counter, last: room.last, you: seat === 'spectator' ? null : { seat, bumps: room.bumps[seat] ?? 0 } },
  result: null,
});

io.on('connection', (socket) => {
  socket.on('bare:join', (payload: { roomId: string; seat: number; seats: number }, ack: (reply: unknown) => void) => {
    let room = rooms.get(payload.roomId);
    if (!room) {
      room = { seq: 0, counter: 0, bumps: {}, seats: Array.from({ length: payload.seats }, (_, i) => i), last: null };
      rooms.set(payload.roomId, room);
    }
    socket.data.seat = payload.seat;
    void socket.join(`room:${payload.roomId}:seat:${payload.seat}`);
    ack({ ok: true, data: { seat: payload.seat } });
  });
  socket.on('game:action', (payload: { roomId: string; action: { type: string } }, ack: (reply: unknown) => void) => {
    const room = rooms.get(payload.roomId);
    const seat = socket.data.seat as number;
    if (!room || payload.action?.type !== 'bump') return ack({ ok: false, error: { code: 'INVALID_ACTION', message: 'no' } });
    room.seq += 1;
    room.counter += 1;
    room.bumps[seat] = (room.bumps[seat] ?? 0) + 1;
    room.last = { seat, value: room.counter };
    ack({ ok: true, data: { roomId: payload.roomId, seq: room.seq, seat } });
    const event = { seq: room.seq, type: 'game.act', at: Date.now(), actorSeat: seat, events: [{ type: 'bumped', payload: { seat, counter: room.counter } }] };
    for (const s of room.seats) io.to(`room:${payload.roomId}:seat:${s}`).emit('room:update', { roomId: payload.roomId, seq: room.seq, view: view(payload.roomId, room, s), events: [event] });
    io.to(`room:${payload.roomId}:watch`).emit('room:update', { roomId: payload.roomId, seq: room.seq, view: view(payload.roomId, room, 'spectator'), events: [event] });
  });
});

httpServer.listen(port, '127.0.0.1', () => {
  const address = httpServer.address() as { port: number };
  process.stdout.write(`BARE_READY ${address.port}\n`);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
