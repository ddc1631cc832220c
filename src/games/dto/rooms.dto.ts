import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsSeq } from '../../common/dto/is-seq';
import { IsRegisteredGame } from '../engine-registry';

/** Every mutating event carries a client-chosen id; a retry with the same id gets the first answer. */
export class ActionDto {
  @IsString()
  @Length(1, 128)
  actionId: string;
}

export class RoomRefDto {
  @IsUUID()
  roomId: string;
}

export class RoomActionDto extends ActionDto {
  @IsUUID()
  roomId: string;
}

/** A host command may name the seat it is sent from; it must be the caller's own. */
export class HostCommandDto extends RoomActionDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(63)
  seat?: number;
}

export class LobbyQueryDto {
  @IsOptional()
  @IsRegisteredGame()
  gameId?: string;
}

export class LobbySubscribeDto {
  @IsRegisteredGame()
  gameId: string;
}

export class CreateRoomDto extends ActionDto {
  @IsRegisteredGame()
  gameId: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  seatCount?: number;

  @IsOptional()
  @IsBoolean()
  botFill?: boolean;

  @IsOptional()
  @IsBoolean()
  private?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  reconnectWindowMs?: number;

  /** The game's options (timers and so on); the game refuses unknown keys with INVALID_OPTIONS. */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;

  /** The name shown on the host's seat (default: the caller's display name). */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  seatName?: string;

  /** false: create the room without taking a seat, as its host only (games that allow it; else SEAT_REQUIRED). */
  @IsOptional()
  @IsIn([false])
  seat?: false;
}

export class QuickMatchDto extends ActionDto {
  @IsRegisteredGame()
  gameId: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;
}

export class JoinRoomDto extends RoomActionDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(63)
  seat?: number;

  @IsOptional()
  @IsString()
  @Length(0, 64)
  name?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  inviteCode?: string;
}

export class WatchRoomDto {
  @IsUUID()
  roomId: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  inviteCode?: string;
}

export class RejoinRoomDto extends WatchRoomDto {
  @IsOptional()
  @IsSeq()
  lastSeq?: number;
}

export class AddBotsDto extends HostCommandDto {
  /** Add this many bots... */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  count?: number;

  /** ...or fill with bots until this many seats are taken. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  upTo?: number;
}

export class KickDto extends HostCommandDto {
  @IsInt()
  @Min(0)
  @Max(63)
  target: number;
}

export class RoomSettingsDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  seatCount?: number;

  @IsOptional()
  @IsBoolean()
  botFill?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  reconnectWindowMs?: number;

  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

export class ConfigureRoomDto extends HostCommandDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RoomSettingsDto)
  settings: RoomSettingsDto;
}

export class GameActionDto extends RoomActionDto {
  /** The game's action: `{ type, ...fields }` as the game defines it (see docs/protocol-rooms.md). */
  @IsObject()
  action: Record<string, unknown>;
}

export class RoomEventsQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsSeq()
  after?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  inviteCode?: string;
}

export class RoomDetailQueryDto {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  inviteCode?: string;
}
