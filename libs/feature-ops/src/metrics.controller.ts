import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';

/** The bearer token `/metrics` requires, when one is configured (`DEJA_METRICS_TOKEN`). */
export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/**
 * `GET /metrics` in the Prometheus text format. With a token configured, a scrape must send
 * `Authorization: Bearer <token>` (Prometheus: `authorization: {credentials: …}`); anything else
 * is a 401, so the service's internals are not published to whoever reaches the port.
 */
@Controller()
export class MetricsController {
  private readonly tokenDigest: Buffer | undefined;

  constructor(
    private readonly registry: Registry,
    @Optional() @Inject(METRICS_TOKEN) token?: string,
  ) {
    this.tokenDigest = token ? digest(token) : undefined;
  }

  @Get('metrics')
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    if (this.tokenDigest && !this.authorised(authorization)) {
      // Written here, not thrown: every service mounts this controller, and not all have the
      // gateway's error filter; the body keeps the gateway's envelope all the same.
      res
        .status(401)
        .setHeader('www-authenticate', 'Bearer realm="metrics"')
        .json({
          error: {
            type: 'unauthenticated',
            code: 'unauthenticated',
            message: '/metrics needs `Authorization: Bearer <DEJA_METRICS_TOKEN>`',
            retriable: false,
          },
        });
      return;
    }
    const text = await this.registry.metrics();
    res.status(200).setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8').end(text);
  }

  /** Compared as digests in constant time, so neither the token's length nor its prefix leaks. */
  private authorised(header: string | undefined): boolean {
    const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    return m !== null && this.tokenDigest !== undefined && timingSafeEqual(digest(m[1]), this.tokenDigest);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
