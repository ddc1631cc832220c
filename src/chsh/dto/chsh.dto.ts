import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { CHSH_ITEMS, type ChshItem, type ChshMode } from '../../games/domain/chsh/chsh.types';

const ACTION_ID = { min: 1, max: 64 };

export class SessionDto {
  @IsUUID('all')
  sessionId: string;
}

export class HostControlDto extends SessionDto {
  @IsString()
  @Length(ACTION_ID.min, ACTION_ID.max)
  actionId: string;
}

export class ConfigureChshDto extends HostControlDto {
  @IsIn(['simplified', 'classic'])
  mode: ChshMode;
}

export class AnswerDto extends HostControlDto {
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  round: number;

  @IsIn([...CHSH_ITEMS])
  item: ChshItem;

  @IsBoolean()
  answer: boolean;
}
