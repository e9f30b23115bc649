import { Logger, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { presentedKey } from '../auth/api-key';
import { AuthService, type Principal } from '../auth/auth.service';
import { InFlightLimiter } from '../auth/in-flight-limiter';
import { QueueGate } from '../jobs/queue-gate';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { GatewayMetrics } from '../gateway.metrics';
import { DEFAULT_HTTP_TIMEOUTS, DEFAULT_IN_FLIGHT_LIMIT, type GatewayOptions } from '../gateway.options';
import { GatewayExceptionFilter, sendError } from './gateway-exception.filter';

/**
 * HTTP setup the gateway needs before it listens: timeouts that close a client trickling its
 * headers or body, no `X-Powered-By` and `nosniff` on every answer, the API key checked before a
 * body is read, a JSON body limit whose violations answer 413 in the gateway's error format, the
 * same format for every other HTTP error (unknown routes included), and the OpenAPI document
 * with its UI at `/docs`.
 */
export function configureGatewayHttp(
  app: INestApplication,
  options: Pick<GatewayOptions, 'bodyLimitBytes' | 'httpTimeouts' | 'inFlightLimit' | 'maxRequestMessageBytes'>,
): void {
  const logger = new Logger('GatewayHttp');
  const express = app as NestExpressApplication;
  const metrics = app.get(GatewayMetrics, { strict: false });
  applyTimeouts(app.getHttpServer() as Server, options.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS);
  express.disable('x-powered-by');
  express.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  const limiter = new InFlightLimiter({
    requests: options.inFlightLimit?.requests ?? DEFAULT_IN_FLIGHT_LIMIT.requests,
    bytes: options.inFlightLimit?.bytes ?? DEFAULT_IN_FLIGHT_LIMIT.bytes,
  });
  express.use(
    authenticateBeforeBody(
      app.get(AuthService, { strict: false }),
      { limiter, gate: app.get(QueueGate, { strict: false }), maxMessageBytes: options.maxRequestMessageBytes },
      options.bodyLimitBytes,
      logger,
      metrics,
    ),
  );
  // Registered before Nest's default parser, which then sees a parser in place and adds none.
  express.useBodyParser('json', { limit: options.bodyLimitBytes });
  // Body-parser errors happen before Nest's routing, so its filters never see them.
  express.use((error: unknown, req: Request, res: Response, next: NextFunction) =>
    error ? sendError(req, res, error, logger, metrics) : next(),
  );
  // Unknown routes and undecodable path parameters never reach a controller's filter: without a
  // global one they would answer in Nest's default shape instead of the documented envelope.
  app.useGlobalFilters(new GatewayExceptionFilter(metrics));

  SwaggerModule.setup('docs', app, () => gatewayOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
}

/**
 * The gateway's OpenAPI 3.1 document. 3.1 because the request schemas come from zod as JSON
 * Schema 2020-12 (`const`, type arrays), which 3.0 does not allow. Keys are opaque bearer
 * tokens, not JWTs: Nest's default `bearerFormat: JWT` is left out.
 */
export function gatewayOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Deja gateway')
    .setDescription(
      'Jobs API, OpenAI- and Anthropic-compatible endpoints and admin routes of the Deja LLM cache. See docs/api.md.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Tenant API key (admin key on /v1/admin)' })
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Anthropic-style API key header' },
      'x-api-key',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const bearer = document.components?.securitySchemes?.['bearer'];
  if (bearer && 'bearerFormat' in bearer) delete bearer.bearerFormat;
  return document;
}

/**
 * Node's defaults let a client take 60 s to send its headers and 300 s for its whole request: a
 * few hundred slow connections then hold the server. The request timeout covers receiving the
 * request only (headers and body), not the answer, so a long wait for the pipeline is unaffected.
 */
function applyTimeouts(server: Server, t: NonNullable<GatewayOptions['httpTimeouts']>): void {
  server.headersTimeout = t.headersMs;
  server.requestTimeout = t.requestMs;
  // Node checks both every 30 s by default (read when the server starts listening), so a timeout
  // of a few seconds would otherwise fire up to 30 s late.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    1000,
    t.headersMs,
  );
}

/**
 * Before the JSON parser reads a body: checks the API key, so an unauthenticated client cannot
 * make the gateway receive and parse megabytes, and holds the tenant to its in-flight limits
 * (429 with `retry-after`), so one tenant's flood of large bodies does not take the memory and
 * event loop the other tenants need. Roles and rate limits stay with the route's guard (which
 * finds the key in the auth cache).
 */
function authenticateBeforeBody(
  auth: AuthService,
  limits: { limiter: InFlightLimiter; gate: QueueGate; maxMessageBytes?: number },
  bodyLimitBytes: number,
  logger: Logger,
  metrics: GatewayMetrics | undefined,
) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!carriesBody(req) || !req.path.startsWith('/v1/')) return next();
    const key = presentedKey(req.headers);
    const refuse = (error: GatewayException) => {
      // The body is left unread: closing the connection after the answer spares receiving it.
      res.setHeader('connection', 'close');
      sendError(req, res, error, logger, metrics);
    };
    const unauthenticated = (message: string) =>
      refuse(new GatewayException(GatewayErrorCode.Unauthenticated, message));
    if (!key) return unauthenticated('missing API key: send `Authorization: Bearer <key>` (or `x-api-key: <key>`)');
    auth.resolve(key).then(
      (principal) => {
        if (!principal) return unauthenticated('unknown API key');
        const refusal =
          queueFull(principal, req, limits, bodyLimitBytes) ??
          holdInFlight(principal, req, res, limits.limiter, bodyLimitBytes);
        return refusal ? refuse(refusal) : next();
      },
      (error: unknown) => sendError(req, res, error, logger, metrics),
    );
  };
}

/** The routes that queue a job: their requests count against the tenant's queue limit. */
const QUEUEING_ROUTES = new Set(['/v1/jobs', '/v1/chat/completions', '/v1/messages']);

/** A refusal when this replica found the tenant's queue full a moment ago (see QueueGate). */
function queueFull(
  principal: Principal,
  req: Request,
  { gate, maxMessageBytes }: { gate: QueueGate; maxMessageBytes?: number },
  bodyLimitBytes: number,
): GatewayException | undefined {
  if (principal.kind !== 'tenant' || req.method !== 'POST' || !QUEUEING_ROUTES.has(req.path)) return undefined;
  const bytes = declaredBytes(req, bodyLimitBytes);
  if (maxMessageBytes !== undefined && gate.refusesOversize(principal.tenant, bytes, maxMessageBytes))
    return new GatewayException(
      GatewayErrorCode.PayloadTooLarge,
      `a ${bytes}-byte body is over the broker's ${maxMessageBytes}-byte message limit, and this tenant's last request was refused for its size; shorten the messages`,
      { issues: [{ path: 'messages', message: `body of ${bytes} bytes, messages at most ${maxMessageBytes}` }] },
    );
  const over = gate.refusal(principal.tenant, bytes);
  if (over === undefined) return undefined;
  return new GatewayException(GatewayErrorCode.RateLimited, `queue full: ${over}; retry when some have been answered`, {
    retryAfterSeconds: 1,
  });
}

/** The body's declared length; a chunked body has no length up front: counted as large as it may be. */
function declaredBytes(req: Request, bodyLimitBytes: number): number {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > 0 ? Math.min(declared, bodyLimitBytes) : bodyLimitBytes;
}

/** Takes an in-flight slot for a tenant's request until its response is done; a refusal otherwise. */
function holdInFlight(
  principal: Principal,
  req: Request,
  res: Response,
  limiter: InFlightLimiter,
  bodyLimitBytes: number,
): GatewayException | undefined {
  if (principal.kind !== 'tenant') return undefined;
  const bytes = declaredBytes(req, bodyLimitBytes);
  const release = limiter.acquire(principal.tenant, bytes);
  if (!release) {
    return new GatewayException(
      GatewayErrorCode.RateLimited,
      `tenant '${principal.tenant}' has too many requests (or bytes) in flight on this replica; retry when some are answered`,
      { retryAfterSeconds: 1 },
    );
  }
  res.once('close', release);
  return undefined;
}

function carriesBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
