import { Module } from '@nestjs/common';
import { BotDriver } from './bots/bot-driver.service';
import { DeadlineSweeper } from './deadline-sweeper.service';
import { EngineRegistry } from './engine-registry';
import { ModerationKickListener } from './moderation-kick.listener';
import { RoomHistoryReaderService } from './room-history.reader';
import { PresenceSweeper } from './presence-sweeper.service';
import { RoomViewRefresher } from './room-view-refresher';
import { RoomPublisher } from './room-publisher.service';
import { RoomRuntime } from './room-runtime.service';
import { RoomsController } from './rooms.controller';
import { RoomsGateway } from './rooms.gateway';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

/** The lobby, rooms and seats, the engine registry, the room runtime, durable deadlines and bots. */
@Module({
  controllers: [RoomsController],
  providers: [
    EngineRegistry,
    RoomsRepository,
    RoomPublisher,
    BotDriver,
    RoomRuntime,
    DeadlineSweeper,
    RoomsService,
    RoomsGateway,
    ModerationKickListener,
    RoomHistoryReaderService,
    PresenceSweeper,
    RoomViewRefresher,
  ],
  exports: [RoomsService, EngineRegistry],
})
export class GamesModule {}
