import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsSeq } from '../../common/dto/is-seq';
import { HISTORY_MAX_LIMIT } from '../domain/history';

/** A clientMsgId: 1 to 64 printable ASCII characters, chosen by the sender, unique per sender. */
export const CLIENT_MSG_ID = /^[\x21-\x7e]{1,64}$/;
const CLIENT_MSG_ID_MESSAGE = 'clientMsgId must be 1 to 64 printable ASCII characters';

// The body's length and content are checked by the service (BODY_EMPTY, BODY_TOO_LONG with the configured limit).

export class SendMessageEventDto {
  @IsUUID('all')
  conversationId: string;

  @IsString()
  @Matches(CLIENT_MSG_ID, { message: CLIENT_MSG_ID_MESSAGE })
  clientMsgId: string;

  @IsString()
  body: string;
}

export class SendMessageDto {
  @ApiPropertyOptional({
    description: "The sender's key for this message; defaults to the Idempotency-Key header",
    example: 'msg-1',
  })
  @IsOptional()
  @IsString()
  @Matches(CLIENT_MSG_ID, { message: CLIENT_MSG_ID_MESSAGE })
  clientMsgId?: string;

  @ApiProperty({ example: 'good game!', description: 'Not blank; at most CHAT_MAX_BODY characters (default 2000)' })
  @IsString()
  body: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'Messages with seq greater than this, oldest first' })
  @IsOptional()
  @Type(() => Number)
  @IsSeq()
  after?: number;

  @ApiPropertyOptional({ description: 'Messages with seq less than this (the newest of them when `after` is absent)' })
  @IsOptional()
  @Type(() => Number)
  @IsSeq(1)
  before?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: HISTORY_MAX_LIMIT, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HISTORY_MAX_LIMIT)
  limit?: number;
}

export class HistoryEventDto extends HistoryQueryDto {
  @IsUUID('all')
  conversationId: string;
}

export class ReadMarkerDto {
  @ApiProperty({ description: 'The highest seq read; the marker only moves forward and never past the newest message' })
  @IsSeq()
  seq: number;
}

export class ReadMarkerEventDto extends ReadMarkerDto {
  @IsUUID('all')
  conversationId: string;
}

export class SyncCursorDto {
  @IsUUID('all')
  conversationId: string;

  @IsSeq()
  afterSeq: number;
}

export class SyncEventDto {
  @IsArray()
  @ArrayMaxSize(500)
  // ValidateNested alone lets a nested array ([[]]) through as if it were a list of cursors.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SyncCursorDto)
  cursors: SyncCursorDto[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(HISTORY_MAX_LIMIT)
  limit?: number;
}
