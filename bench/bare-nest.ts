import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';

/**
 * The bare NestJS yardstick of `bench:rooms`: a `@WebSocketGateway` on Nest's own Socket.IO adapter, doing
 * in memory what the plain bare server does (the handler's return value is the ack; one ~220 B event to
 * the room with `server.to(room).emit`). No database, no pipes, no guards: what Nest's gateway machinery
 * costs on its own. Run as its own process: `node dist/bench/bare-nest.js <port>`.
 */
interface NestRoom {
  seq: number;
  counter: number;
}

@WebSocketGateway({ transports: ['websocket'] })
class BareGateway {
  @WebSocketServer() server!: Server;
  private readonly rooms = new Map<string, NestRoom>();

  @SubscribeMessage('bare:join')
  join(@MessageBody() payload: { roomId: string; seat: number }, @ConnectedSocket() socket: Socket) {
    if (!this.rooms.has(payload.roomId)) this.rooms.set(payload.roomId, { seq: 0, counter: 0 });
    socket.data.seat = payload.seat;
    void socket.join(`room:${payload.roomId}`);
    return { ok: true, data: { seat: payload.seat } };
  }

  @SubscribeMessage('game:action')
  act(@MessageBody() payload: { roomId: string; action: { type: string } }, @ConnectedSocket() socket: Socket) {
    const room = this.rooms.get(payload.roomId);
    if (!room || payload.action?.type !== 'bump')
      return { ok: false, error: { code: 'INVALID_ACTION', message: 'no' } };
    const seat = socket.data.seat as number;
    room.seq += 1;
    room.counter += 1;
    const event = {
      seq: room.seq,
      type: 'game.act',
      at: Date.now(),
      actorSeat: seat,
      events: [{ type: 'bumped', payload: { seat, counter: room.counter } }],
    };
    this.server
      .to(`room:${payload.roomId}`)
      .emit('room:update', { roomId: payload.roomId, seq: room.seq, events: [event] });
    return { ok: true, data: { roomId: payload.roomId, seq: room.seq, seat } };
  }
}

@Module({ providers: [BareGateway] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error'] });
  app.useWebSocketAdapter(new IoAdapter(app));
  await app.listen(Number(process.argv[2] ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`BARE_READY ${address.port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
