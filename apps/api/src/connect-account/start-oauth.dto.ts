import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ReturnToProperty } from './return-to.property';
import { IsLedgerUuid, UUID_SCHEMA } from '../http/ids';

/** `{}` to connect a new account, `{reconnectConnectionId}` to reconnect an existing one. */
export class StartOAuthDto {
  @ApiPropertyOptional({
    description: 'Reconnect this connection instead of connecting a new account',
    nullable: true,
    ...UUID_SCHEMA,
  })
  @IsOptional()
  @IsString()
  @IsLedgerUuid()
  reconnectConnectionId?: string;

  @ReturnToProperty()
  returnTo?: string;

  @ApiPropertyOptional({
    example: 'US',
    pattern: '^[A-Za-z]{2}$',
    nullable: true,
    description:
      'TikTok: where the account is registered (ISO 3166-1 alpha-2); required when regions are restricted',
  })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'region must be a two-letter country code such as US' })
  region?: string;
}
