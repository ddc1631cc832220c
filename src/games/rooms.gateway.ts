import { MessageBody, OnGatewayConnection, OnGatewayDisconnect } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import type { Caller } from '../identity/caller';
import { CurrentCaller } from '../identity/auth.decorators';
import { ArenaGateway } from '../realtime/arena-gateway.decorator';
import { IdempotentOutsideTransaction, OwnIdempotency } from '../fast-path/socket-dispatcher';
import type { GameAction } from './domain/engine';
import {
  AddBotsDto,
  ConfigureRoomDto,
  CreateRoomDto,
  GameActionDto,
  HostCommandDto,
  JoinRoomDto,
  KickDto,
  LobbyQueryDto,
  LobbySubscribeDto,
  QuickMatchDto,
  RejoinRoomDto,
  RoomActionDto,
  RoomRefDto,
  WatchRoomDto,
} from './dto/rooms.dto';
import { roomError } from './rooms.errors';
import { RoomsService } from './rooms.service';
import { On } from '../realtime/on-event.decorator';

/**
 * The lobby, rooms and games over Socket.IO. Thin: validate, take the caller from the session, call the
 * service. Room commands are exactly-once in the room's own event table (UNIQUE room and action id), so
 * they skip the shared idempotency store; quick match, which may create a room, uses it.
 */
@ArenaGateway()
export class RoomsGateway implements OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly rooms: RoomsService) {}

  handleConnection(socket: Socket): void {
    const caller = socket.data.caller as Caller | undefined;
    if (caller) this.rooms.onConnect(caller);
  }

  handleDisconnect(socket: Socket): void {
    const caller = socket.data.caller as Caller | undefined;
    if (caller) this.rooms.onDisconnect(caller);
  }

  @On('lobby:games')
  games() {
    return this.rooms.games();
  }

  @On('lobby:list')
  async list(@MessageBody() body: LobbyQueryDto) {
    return { rooms: await this.rooms.listOpen(body?.gameId ?? null) };
  }

  @On('lobby:subscribe')
  async subscribe(@CurrentCaller() caller: Caller, @MessageBody() body: LobbySubscribeDto) {
    return { rooms: await this.rooms.subscribeLobby(caller, body.gameId, true) };
  }

  @On('lobby:unsubscribe')
  async unsubscribe(@CurrentCaller() caller: Caller, @MessageBody() body: LobbySubscribeDto) {
    await this.rooms.subscribeLobby(caller, body.gameId, false);
    return { gameId: body.gameId };
  }

  @IdempotentOutsideTransaction()
  @On('lobby:quick-match')
  quickMatch(@CurrentCaller() caller: Caller, @MessageBody() body: QuickMatchDto) {
    return this.rooms.quickMatch(caller, body.gameId, body.actionId, body.name);
  }

  @OwnIdempotency()
  @On('room:create')
  create(@CurrentCaller() caller: Caller, @MessageBody() body: CreateRoomDto) {
    const { actionId, private: isPrivate, ...input } = body;
    return this.rooms.create(caller, { ...input, private: isPrivate }, actionId);
  }

  @On('room:watch')
  watch(@CurrentCaller() caller: Caller, @MessageBody() body: WatchRoomDto) {
    return this.rooms.watch(caller, body.roomId, body.inviteCode);
  }

  @On('room:unwatch')
  unwatch(@CurrentCaller() caller: Caller, @MessageBody() body: RoomRefDto) {
    return this.rooms.unwatch(caller, body.roomId);
  }

  @On('room:rejoin')
  rejoin(@CurrentCaller() caller: Caller, @MessageBody() body: RejoinRoomDto) {
    return this.rooms.rejoin(caller, body.roomId, body.lastSeq ?? 0, body.inviteCode);
  }

  @OwnIdempotency()
  @On('room:join')
  join(@CurrentCaller() caller: Caller, @MessageBody() body: JoinRoomDto) {
    return this.rooms.join(
      caller,
      body.roomId,
      { seat: body.seat, name: body.name, inviteCode: body.inviteCode },
      body.actionId,
    );
  }

  @OwnIdempotency()
  @On('room:leave')
  leave(@CurrentCaller() caller: Caller, @MessageBody() body: RoomActionDto) {
    return this.rooms.leave(caller, body.roomId, body.actionId);
  }

  @OwnIdempotency()
  @On('room:add-bots')
  addBots(@CurrentCaller() caller: Caller, @MessageBody() body: AddBotsDto) {
    if ((body.count === undefined) === (body.upTo === undefined))
      throw roomError('INVALID_OPTIONS', 'Send either count or upTo');
    const command =
      body.count !== undefined
        ? { type: 'bots.add' as const, count: body.count }
        : { type: 'bots.fill' as const, upTo: body.upTo as number };
    return this.rooms.host(caller, body.roomId, command, body.actionId, body.seat);
  }

  @OwnIdempotency()
  @On('room:kick')
  kick(@CurrentCaller() caller: Caller, @MessageBody() body: KickDto) {
    return this.rooms.host(caller, body.roomId, { type: 'seat.kick', seat: body.target }, body.actionId, body.seat);
  }

  @OwnIdempotency()
  @On('room:configure')
  configure(@CurrentCaller() caller: Caller, @MessageBody() body: ConfigureRoomDto) {
    const { options, ...settings } = body.settings;
    return this.rooms.host(
      caller,
      body.roomId,
      { type: 'room.configure', settings: { ...settings, game: options } },
      body.actionId,
      body.seat,
    );
  }

  @OwnIdempotency()
  @On('room:start')
  start(@CurrentCaller() caller: Caller, @MessageBody() body: HostCommandDto) {
    return this.rooms.host(caller, body.roomId, { type: 'game.start' }, body.actionId, body.seat);
  }

  @OwnIdempotency()
  @On('room:reset')
  reset(@CurrentCaller() caller: Caller, @MessageBody() body: HostCommandDto) {
    return this.rooms.host(caller, body.roomId, { type: 'game.reset' }, body.actionId, body.seat);
  }

  @OwnIdempotency()
  @On('room:rematch')
  rematch(@CurrentCaller() caller: Caller, @MessageBody() body: HostCommandDto) {
    return this.rooms.host(caller, body.roomId, { type: 'game.rematch' }, body.actionId, body.seat);
  }

  @OwnIdempotency()
  @On('game:action')
  act(@CurrentCaller() caller: Caller, @MessageBody() body: GameActionDto) {
    return this.rooms.act(caller, body.roomId, body.action as GameAction, body.actionId);
  }
}
