import {
  All,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  requestPath,
  sendJson,
  sendRedirect,
  type HttpReply,
  type HttpRequest,
} from '../http/http-exchange';
import type { Platform } from '@ledger/domain';
import { APP_CONFIG, type AppConfig, Sandbox } from '@ledger/runtime';
import { Public } from '../http/auth/auth.decorators';
import { IdempotencyInterceptor } from '../http/idempotency/idempotency.interceptor';
import { SANDBOX_PLATFORMS } from './platforms';
import { authorize, token } from './sandbox-oauth';
import type { SandboxAnswer } from './sandbox-platform';

/**
 * A stand-in for the platforms that have no client credentials, for a local run only: each
 * one's authorize and token endpoints and the few API endpoints its identity client calls, in
 * the platform's own shapes, so connect, selection and reconnect can be tried from /docs.
 * AppModule registers it only outside production, and it answers 404 in production anyway,
 * and for any platform that has real credentials.
 */
@ApiExcludeController()
@Public()
@Controller('sandbox/:platform')
export class SandboxController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sandbox: Sandbox,
  ) {}

  @Get('authorize')
  authorize(@Param('platform') name: string, @Req() req: HttpRequest, @Res() res: HttpReply): void {
    const platform = this.sandboxed(name, req);
    const outcome = authorize(this.sandbox, platform, SANDBOX_PLATFORMS[platform], queryOf(req));
    res.header('Cache-Control', 'no-store');
    res.header('Referrer-Policy', 'no-referrer');
    if (outcome.kind === 'redirect') return sendRedirect(res, 302, outcome.location);
    res.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.header('X-Frame-Options', 'DENY');
    res.code(outcome.status).type('text/html; charset=utf-8').send(outcome.html);
  }

  @Post('token')
  @UseInterceptors(IdempotencyInterceptor) // as on every POST route: a sent key is honoured
  token(@Param('platform') name: string, @Req() req: HttpRequest, @Res() res: HttpReply): void {
    const platform = this.sandboxed(name, req);
    const body = stringFields(req.body);
    send(res, token(this.sandbox, platform, SANDBOX_PLATFORMS[platform], req.headers, body));
  }

  @All('api/*')
  @UseInterceptors(IdempotencyInterceptor)
  api(@Param('platform') name: string, @Req() req: HttpRequest, @Res() res: HttpReply): void {
    const platform = this.sandboxed(name, req);
    const client = this.sandbox.client(platform)!;
    const grants = this.sandbox.grants;
    const prefix = `/sandbox/${platform}/api/`;
    const path = requestPath(req).startsWith(prefix) ? requestPath(req).slice(prefix.length) : '';
    const answer = SANDBOX_PLATFORMS[platform].api({
      path: path.replace(/\/+$/, ''),
      query: queryOf(req),
      headers: req.headers,
      client,
      grantOf: (accessToken) => grants.accessGrant(platform, accessToken),
      issue: (scope, lifetime) => grants.issueToken(platform, 'access', scope, lifetime),
    });
    send(res, answer);
  }

  /** The platform, if it runs in the sandbox here; otherwise the same 404 as an unknown route. */
  private sandboxed(name: string, req: HttpRequest): Platform {
    if (this.config.isProduction || !this.sandbox.has(name)) {
      throw new NotFoundException(`Cannot ${req.method} ${requestPath(req)}`);
    }
    return name;
  }
}

function queryOf(req: HttpRequest): URLSearchParams {
  return new URL(req.url, 'http://sandbox.invalid').searchParams;
}

/** A form body's single string values; anything else is treated as absent. */
function stringFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function send(res: HttpReply, answer: SandboxAnswer): void {
  res.header('Cache-Control', 'no-store');
  sendJson(res, answer.status, answer.body);
}
