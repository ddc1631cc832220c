import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../identity/caller';
import { CurrentCaller, Public } from '../identity/auth.decorators';
import { LobbyQueryDto, RoomDetailQueryDto, RoomEventsQueryDto } from './dto/rooms.dto';
import { RoomsService } from './rooms.service';

/** Read-only REST over rooms: the lobby list, a room as the caller may see it, and its event replay. */
@ApiTags('rooms')
@Controller()
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Public()
  @Get('games')
  games() {
    return { games: this.rooms.games() };
  }

  @Public()
  @Get('rooms')
  async list(@Query() query: LobbyQueryDto) {
    return { rooms: await this.rooms.listOpen(query.gameId ?? null) };
  }

  @ApiBearerAuth()
  @Get('rooms/:roomId')
  detail(
    @CurrentCaller() caller: Caller,
    @Param('roomId', ParseUUIDPipe) roomId: string,
    @Query() query: RoomDetailQueryDto,
  ) {
    return this.rooms.detail(caller, roomId, query.inviteCode);
  }

  @ApiBearerAuth()
  @Get('rooms/:roomId/events')
  events(
    @CurrentCaller() caller: Caller,
    @Param('roomId', ParseUUIDPipe) roomId: string,
    @Query() query: RoomEventsQueryDto,
  ) {
    return this.rooms.events(caller, roomId, query.after ?? 0, query.limit ?? 200, query.inviteCode);
  }
}
