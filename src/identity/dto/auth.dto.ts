import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class GuestSignInDto {
  @ApiProperty({ example: 'Ada', description: '2-32 letters, digits, spaces, _ . -; trimmed' })
  @IsString()
  @Length(1, 64)
  displayName: string;
}

export class RegisterDto {
  @ApiProperty({ example: 'ada_l', description: '3-32 of a-z, 0-9, _ (case-insensitive)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_]{3,32}$/, { message: 'username must be 3 to 32 letters, digits or _' })
  username: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128)
  password: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 64)
  displayName: string;
}

export class LoginDto {
  @ApiProperty()
  @IsString()
  @Length(1, 64)
  username: string;

  @ApiProperty()
  @IsString()
  @Length(1, 128)
  password: string;
}

export class AgentSignInDto {
  @ApiProperty({ description: 'The key returned once by POST /agents' })
  @IsString()
  @Length(1, 128)
  agentKey: string;
}

export class RenameDto {
  @ApiProperty({ example: 'Ada' })
  @IsString()
  @Length(1, 64)
  displayName: string;
}

export class CreateAgentDto {
  @ApiProperty({ example: 'Ada bot' })
  @IsString()
  @Length(1, 64)
  displayName: string;
}
