import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, Length } from 'class-validator';

export class CopyConnectionDto {
  @ApiProperty({
    description: 'The workspace to copy the connection into; you must be its owner or admin',
    minLength: 1,
    maxLength: 128,
  })
  @IsString()
  @Length(1, 128)
  targetWorkspaceId!: string;

  @ApiPropertyOptional({
    description:
      'Where to send the browser after OAuth; must be one of OAUTH_SUCCESS_REDIRECT_URLS',
    format: 'uri',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  returnTo?: string;
}
