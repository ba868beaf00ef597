import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  requestPath,
  sendJson,
  sendRedirect,
  type HttpReply,
  type HttpRequest,
} from '../http/http-exchange';
import { APP_CONFIG, type AppConfig } from '@ledger/runtime';
import { developmentToken } from '../config/development-token';
import { Public } from '../http/auth/auth.decorators';
import { loadConsoleAssets, type ConsoleAsset } from './console-assets';
import { setConsoleHeaders } from './console-headers';

/**
 * The admin console (apps/console, built by Vite into dist/console), served by the API itself
 * at /console so it talks to /v1 on the same origin. The page needs no token; every call it
 * makes does. The client-side routes live in the hash, so only these files are ever asked for.
 */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsoleController {
  private readonly assets: Map<string, ConsoleAsset> = loadConsoleAssets();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  root(@Req() req: HttpRequest, @Res() res: HttpReply): void {
    // Relative asset URLs resolve under /console/ only with the trailing slash.
    if (!requestPath(req).endsWith('/')) return sendRedirect(res, 301, '/console/');
    this.send(res, 'index.html', 'no-cache');
  }

  /**
   * The token main.ts prints for a local run, for the console's "use the development token"
   * button: only where it is printed (outside production, with the local development secret,
   * which proves nothing); 404 elsewhere, as if the route did not exist.
   */
  @Get('development-token')
  developmentToken(@Req() req: HttpRequest, @Res() res: HttpReply): void {
    if (this.config.isProduction || !this.config.jwtSecretIsDefault) {
      throw new NotFoundException(`Cannot GET ${requestPath(req)}`);
    }
    setConsoleHeaders(res);
    res.header('Cache-Control', 'no-store');
    sendJson(res, 200, { token: developmentToken(this.config) });
  }

  @Get('assets/*')
  asset(@Req() req: HttpRequest, @Res() res: HttpReply): void {
    // Vite names built files by their content hash: a changed file is a new URL.
    this.send(
      res,
      requestPath(req).replace(/^\/console\//, ''),
      'public, max-age=31536000, immutable',
    );
  }

  private send(res: HttpReply, path: string, cacheControl: string): void {
    const asset = this.assets.get(path);
    if (!asset) {
      throw new NotFoundException(
        path === 'index.html'
          ? 'The console is not built: run `npm run build:console` (npm start does it).'
          : `Cannot GET /console/${path}`,
      );
    }
    setConsoleHeaders(res);
    res.header('Cache-Control', cacheControl);
    res.type(asset.contentType).send(asset.body);
  }
}
