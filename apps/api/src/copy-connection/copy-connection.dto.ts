import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ReturnToProperty } from '../connect-account/return-to.property';

export class CopyConnectionDto {
  @ApiProperty({
    description: 'The workspace to copy the connection into; you must be its owner or admin',
    minLength: 1,
    maxLength: 128,
  })
  @IsString()
  @Length(1, 128)
  targetWorkspaceId!: string;

  @ReturnToProperty()
  returnTo?: string;
}
