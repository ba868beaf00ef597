import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** `{}` to connect a new account, `{reconnectConnectionId}` to reconnect an existing one. */
export class StartOAuthDto {
  @ApiPropertyOptional({
    description: 'Reconnect this connection instead of connecting a new account',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  reconnectConnectionId?: string;
}
