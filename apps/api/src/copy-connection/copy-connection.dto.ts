import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CopyConnectionDto {
  @ApiProperty({
    description: 'The workspace to copy the connection into; you must be its owner or admin',
  })
  @IsString()
  @Length(1, 128)
  targetWorkspaceId!: string;
}
