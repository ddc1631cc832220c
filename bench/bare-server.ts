import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';
import type { ChatMessage } from '../src/protocol/chat.protocol';

/**
 * The benchmarks' yardsticks: a bare Socket.IO server doing in memory (no database, no framework) what
 * Arena does on the wire. Rooms, two ways (the third argument): `views` (the default) sends what Arena's
 * bench game sends (ack the action, then each seat its own view and the spectators theirs); `plain` is
 * the plain relay a user would compare with (ack the action, then one ~220 B event to the whole room in
 * one Socket.IO room broadcast). Chat: a relay (ack the sender with the message, send it as chat:message
 * to every other member of the conversation).
 * Run as its own process: `node dist/bench/bare-server.js <port> [views|plain]`; when forked with an IPC
 * channel it also answers the chat bench's { cpu } and { stop } messages, as Arena's bench process does.
 */
interface BareRoom {
  seq: number;
  counter: number;
  bumps: Record<number, number>;
  seats: number[];
  last: { seat: number; value: number } | null;
}

const port = Number(process.argv[2] ?? 0);
const plain = process.argv[3] === 'plain';
const rooms = new Map<string, BareRoom>();
const chatSeqs = new Map<string, number>(); // conversation -> last seq
const httpServer = createServer();
const io = new Server(httpServer, { transports: ['websocket'], maxHttpBufferSize: 1e6 });

const view = (roomId: string, room: BareRoom, seat: number | 'spectator') => ({
  roomId,
  gameId: 'bench',
  phase: 'playing',
  seq: room.seq,
  seats: room.seats.map((s) => ({
    seat: s,
    name: `Seat ${s}`,
    kind: 'human',
    control: 'player',
    away: false,
    host: s === 0,
  })),
  you: { seat: seat === 'spectator' ? null : seat },
  game: {
    game: 'bench',
    phase: 'playing',
    counter: room.counter,
    last: room.last,
    you: seat === 'spectator' ? null : { seat, bumps: room.bumps[seat] ?? 0 },
  },
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
    void socket.join(plain ? `room:${payload.roomId}` : `room:${payload.roomId}:seat:${payload.seat}`);
    ack({ ok: true, data: { seat: payload.seat } });
  });
  socket.on('game:action', (payload: { roomId: string; action: { type: string } }, ack: (reply: unknown) => void) => {
    const room = rooms.get(payload.roomId);
    const seat = socket.data.seat as number;
    if (!room || payload.action?.type !== 'bump')
      return ack({ ok: false, error: { code: 'INVALID_ACTION', message: 'no' } });
    room.seq += 1;
    room.counter += 1;
    room.bumps[seat] = (room.bumps[seat] ?? 0) + 1;
    room.last = { seat, value: room.counter };
    ack({ ok: true, data: { roomId: payload.roomId, seq: room.seq, seat } });
    const event = {
      seq: room.seq,
      type: 'game.act',
      at: Date.now(),
      actorSeat: seat,
      events: [{ type: 'bumped', payload: { seat, counter: room.counter } }],
    };
    if (plain) {
      io.to(`room:${payload.roomId}`).emit('room:update', { roomId: payload.roomId, seq: room.seq, events: [event] });
      return;
    }
    for (const s of room.seats)
      io.to(`room:${payload.roomId}:seat:${s}`).emit('room:update', {
        roomId: payload.roomId,
        seq: room.seq,
        view: view(payload.roomId, room, s),
        events: [event],
      });
    io.to(`room:${payload.roomId}:watch`).emit('room:update', {
      roomId: payload.roomId,
      seq: room.seq,
      view: view(payload.roomId, room, 'spectator'),
      events: [event],
    });
  });
  // The sender's user id comes with the join so messages carry a sender id of Arena's size.
  socket.on('bare:chat-join', (payload: { conversationId: string; userId: string }, ack: (reply: unknown) => void) => {
    socket.data.userId = payload.userId;
    void socket.join(`conv:${payload.conversationId}`);
    ack({ ok: true, data: { conversationId: payload.conversationId } });
  });
  socket.on(
    'chat:send',
    (payload: { conversationId: string; clientMsgId: string; body: string }, ack: (reply: unknown) => void) => {
      const seq = (chatSeqs.get(payload.conversationId) ?? 0) + 1;
      chatSeqs.set(payload.conversationId, seq);
      const message: ChatMessage = {
        id: randomUUID(),
        conversationId: payload.conversationId,
        seq,
        senderId: socket.data.userId,
        clientMsgId: payload.clientMsgId,
        body: payload.body,
        sentAt: new Date().toISOString(),
      };
      ack({ ok: true, data: message });
      socket.to(`conv:${payload.conversationId}`).emit('chat:message', message);
    },
  );
});

httpServer.listen(port, '127.0.0.1', () => {
  const address = httpServer.address() as { port: number };
  // Ready on the channel the parent listens to: IPC when forked (chat bench), stdout otherwise (rooms bench).
  if (process.send) process.send({ port: address.port });
  else process.stdout.write(`BARE_READY ${address.port}\n`);
});
// Event-loop delay, as Arena's bench process measures its own, so the chat bench can compare the two.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
process.on('message', (message: { stop?: boolean; cpu?: boolean; loop?: 'reset' | 'read' }) => {
  if (message.cpu) process.send!({ cpu: process.cpuUsage() });
  if (message.loop === 'reset') {
    loopDelay.reset();
    process.send!({ loopReset: true });
  } else if (message.loop === 'read') {
    process.send!({ loop: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } });
  }
  if (!message.stop) return;
  io.close();
  process.exit(0);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
