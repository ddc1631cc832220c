import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, IsUUID, Length } from 'class-validator';

const ACTION_ID = { min: 1, max: 64 };

export class CreateGroupDto {
  @ApiProperty({ example: 'Friday crew' })
  @IsString()
  @Length(1, 64)
  title: string;

  @ApiProperty({ type: [String], description: 'Users to add besides the creator (up to 100)' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  memberIds: string[];
}

export class OpenDirectDto {
  @ApiProperty({ description: 'The other user' })
  @IsUUID('all')
  userId: string;
}

export class AddMembersDto {
  @ApiProperty({ type: [String], description: '1 to 100 users; those already members are left as they are' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  userIds: string[];
}

export class ConversationParams {
  @IsUUID('all')
  id: string;
}

export class CreateGroupEventDto extends CreateGroupDto {
  @IsString()
  @Length(ACTION_ID.min, ACTION_ID.max)
  actionId: string;
}

export class OpenDirectEventDto extends OpenDirectDto {
  @IsString()
  @Length(ACTION_ID.min, ACTION_ID.max)
  actionId: string;
}

export class AddMembersEventDto extends AddMembersDto {
  @IsString()
  @Length(ACTION_ID.min, ACTION_ID.max)
  actionId: string;

  @IsUUID('all')
  conversationId: string;
}

export class ConversationEventDto {
  @IsUUID('all')
  conversationId: string;
}

export class LeaveEventDto extends ConversationEventDto {
  @IsString()
  @Length(ACTION_ID.min, ACTION_ID.max)
  actionId: string;
}
