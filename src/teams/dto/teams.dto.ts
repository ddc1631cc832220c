import { IsString, IsUUID, Length } from 'class-validator';

const ACTION_ID = { min: 1, max: 64 };

export class CreateTeamDto {
  @IsString()
  @Length(ACTION_ID.min, ACTION_ID.max)
  actionId: string;

  @IsUUID('all')
  sessionId: string;

  /** Trimmed; 1 to 40 characters; passes the content policy (surface team_name). */
  @IsString()
  @Length(1, 60)
  name: string;
}

export class TeamActionDto {
  @IsString()
  @Length(ACTION_ID.min, ACTION_ID.max)
  actionId: string;

  @IsUUID('all')
  teamId: string;
}

export class SessionRefDto {
  @IsUUID('all')
  sessionId: string;
}

export class TeamRefDto {
  @IsUUID('all')
  teamId: string;
}
