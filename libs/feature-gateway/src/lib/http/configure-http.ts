import { Logger, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { GatewayMetrics } from '../gateway.metrics';
import type { GatewayOptions } from '../gateway.options';
import { GatewayExceptionFilter, sendError } from './gateway-exception.filter';

/**
 * HTTP setup the gateway needs before it listens: a JSON body limit whose violations answer 413
 * in the gateway's error format, the same format for every other HTTP error (unknown routes
 * included), and the OpenAPI document with its UI at `/docs`.
 */
export function configureGatewayHttp(app: INestApplication, options: Pick<GatewayOptions, 'bodyLimitBytes'>): void {
  const logger = new Logger('GatewayHttp');
  const express = app as NestExpressApplication;
  const metrics = app.get(GatewayMetrics, { strict: false });
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
