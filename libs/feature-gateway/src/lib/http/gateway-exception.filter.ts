import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { throwError, type Observable } from 'rxjs';
import { GatewayErrorCode, GatewayException, statusOf } from '../gateway.exception';
import { GatewayMetrics } from '../gateway.metrics';
import { dialectFor, errorBody } from './error-dialects';

/** Any error → a GatewayException: Nest HttpExceptions by status, body-parser errors by type, the rest internal. */
export function toGatewayException(error: unknown): GatewayException {
  if (error instanceof GatewayException) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code =
      status === 404
        ? GatewayErrorCode.NotFound
        : status === 413
          ? GatewayErrorCode.PayloadTooLarge
          : status < 500
            ? GatewayErrorCode.InvalidRequest
            : GatewayErrorCode.Internal;
    return new GatewayException(code, error.message, { cause: error });
  }
  const e = error as { type?: unknown; status?: unknown; limit?: unknown; message?: unknown };
  if (e?.type === 'entity.too.large')
    return new GatewayException(
      GatewayErrorCode.PayloadTooLarge,
      `request body exceeds the limit of ${String(e.limit)} bytes`,
      { cause: error },
    );
  if (e?.type === 'entity.parse.failed')
    return new GatewayException(
      GatewayErrorCode.InvalidRequest,
      `request body is not valid JSON: ${String(e.message)}`,
      { cause: error },
    );
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new GatewayException(GatewayErrorCode.InvalidRequest, String(e.message ?? 'bad request'), { cause: error });
  return new GatewayException(GatewayErrorCode.Internal, 'internal error', { cause: error });
}

/** Writes a gateway error as JSON in the caller's dialect, with `retry-after` when one helps. */
export function sendError(req: Request, res: Response, error: unknown, logger: Logger, metrics?: GatewayMetrics): void {
  const e = toGatewayException(error);
  metrics?.httpErrors.inc({ type: e.code });
  const status = statusOf(e);
  if (status >= 500)
    logger.error(
      `${req.method} ${req.path} → ${status} ${e.code}: ${e.message}${e.cause instanceof Error ? ` (${e.cause.name}: ${e.cause.message})` : ''}`,
    );
  if (res.headersSent) {
    res.end();
    return;
  }
  if (e.details.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(e.details.retryAfterSeconds));
  const retryAfterMs = e.details.provider?.retry_after_ms;
  if (retryAfterMs !== undefined && retryAfterMs !== null) res.setHeader('retry-after-ms', String(retryAfterMs));
  // Both official SDKs obey this header before their own rules: without it they retry every 5xx,
  // so a failure that will fail the same way again would be sent (and billed) three times.
  if (!e.retriable) res.setHeader('x-should-retry', 'false');
  res.status(status).json(errorBody(e, dialectFor(req.path, req.headers['anthropic-version'])));
}

/**
 * Maps every error of the gateway's HTTP routes through the one code → status switch. Errors of
 * Kafka handlers (when the filter is global in an app that shares its config with the consumer)
 * are handed back untouched, for the consumer runner to retry or dead-letter.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('GatewayHttp');

  constructor(@Optional() private readonly metrics?: GatewayMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    sendError(http.getRequest<Request>(), http.getResponse<Response>(), exception, this.logger, this.metrics);
  }
}
