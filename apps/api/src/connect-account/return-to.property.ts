import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUrl } from 'class-validator';

/**
 * The `returnTo` of every request that starts an OAuth flow (connect, reconnect, copy): an
 * absolute http(s) URL, checked against OAUTH_SUCCESS_REDIRECT_URLS by checkReturnTo.
 */
export function ReturnToProperty(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description:
        'Where to send the browser after OAuth; must be one of OAUTH_SUCCESS_REDIRECT_URLS',
      format: 'uri',
    }),
    IsOptional(),
    IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }),
  );
}
