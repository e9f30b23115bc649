import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { GatewayErrorCode, GatewayException } from '@deja/feature-gateway';

/**
 * Where `npm run build` puts the bundle (`libs/feature-console/build.mjs` → `dist/console`):
 * this file runs from `dist/libs/feature-console/src/lib`.
 */
export const CONSOLE_ASSETS_DIR = join(__dirname, '..', '..', '..', '..', 'console');

/** The only files served: a fixed list, so no path from a URL ever reaches the file system. */
const FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/**
 * Everything a page may load comes from the gateway itself; data comes from `/v1/console` with
 * the key in a header. No inline script, no frames (clickjacking), no referrer to other sites.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Serves the console's built single-page app at `/console` (no separate server to run). */
@ApiExcludeController()
@Controller('console')
export class ConsoleAssetsController {
  @Get()
  page(@Res() res: Response): void {
    this.send(res, 'index.html', 'text/html; charset=utf-8');
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const type = FILES[file];
    // Any other path under /console is the app's own (it routes by the URL's #fragment).
    if (!type) return this.page(res);
    this.send(res, file, type);
  }

  private send(res: Response, file: string, type: string): void {
    const path = join(CONSOLE_ASSETS_DIR, file);
    if (!existsSync(path)) {
      throw new GatewayException(
        GatewayErrorCode.NotFound,
        `the console is not built (${path} is missing): run \`npm run build\``,
      );
    }
    res.set({ ...SECURITY_HEADERS, 'content-type': type });
    res.sendFile(path);
  }
}
