import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { answerProbes } from './server-probe';

/**
 * `bench:sockets`' yardstick: a bare Socket.IO server (no database, no framework, default settings) where
 * each socket joins its room and a seat room, with an ack. Forked by the bench with --expose-gc; reports
 * its port over IPC and answers the bench's probes (bench/server-probe.ts).
 */
const httpServer = createServer();
const server = new Server(httpServer, { transports: ['websocket'] });
server.on('connection', (socket) => {
  socket.on('bare:join', (payload: { roomId: string; seat: number }, ack: (reply: unknown) => void) => {
    socket.data.seat = payload.seat;
    void socket.join([`room:${payload.roomId}`, `room:${payload.roomId}:seat:${payload.seat}`]);
    ack({ ok: true, data: { roomId: payload.roomId, seat: payload.seat } });
  });
});
answerProbes({
  sockets: () => server.of('/').sockets.size,
  stop: () => new Promise((resolve) => server.close(() => resolve())),
});
httpServer.listen(0, '127.0.0.1', () => process.send!({ port: (httpServer.address() as { port: number }).port }));
