import type { Logger } from '@nestjs/common';
import { classifyPostgresError } from '@deja/data-access-postgres';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';

/**
 * Runs a Postgres call for a route. Its failures become 503 store_unavailable (retriable) instead
 * of 500 — except data errors (SQLSTATE class 22, e.g. a NUL character or a lone surrogate
 * Postgres cannot store, and 54001 for JSON nested too deep): retrying those can never work, so
 * they are a 400. A GatewayException thrown inside passes through.
 */
export async function callStore<T>(
  fn: () => Promise<T>,
  names: { subject: string; store: string },
  logger?: Logger,
): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (cause instanceof GatewayException) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    if (classifyPostgresError(cause) === 'data')
      throw new GatewayException(
        GatewayErrorCode.InvalidRequest,
        `${names.subject} holds data that cannot be stored: ${reason}`,
        { cause },
      );
    logger?.error(`${names.store} failed: ${reason}`);
    throw new GatewayException(GatewayErrorCode.StoreUnavailable, `${names.store} (Postgres) is not reachable`, {
      cause,
      retryAfterSeconds: 2,
    });
  }
}
