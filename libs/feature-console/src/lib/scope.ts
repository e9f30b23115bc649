import type { Principal } from '@deja/feature-gateway';
import { GatewayErrorCode, GatewayException } from '@deja/feature-gateway';

/**
 * Which tenant's data a console read may see: a tenant key sees its own tenant only (asking for
 * another is refused, not silently narrowed, so a wrong picker value is visible); the admin key
 * sees the tenant it names, or every tenant when it names none (`undefined`).
 */
export function readScope(caller: Principal, requested: string | undefined): string | undefined {
  if (caller.kind === 'admin') return requested;
  if (requested !== undefined && requested !== caller.tenant) {
    throw new GatewayException(GatewayErrorCode.Forbidden, 'a tenant key sees only its own tenant');
  }
  return caller.tenant;
}

/** The one tenant a console action (retire, namespace settings) applies to: the admin must name it. */
export function writeScope(caller: Principal, requested: string | undefined): string {
  const tenant = readScope(caller, requested);
  if (tenant === undefined) {
    throw new GatewayException(
      GatewayErrorCode.InvalidRequest,
      'tenant: the admin key must name the tenant to act on',
      {
        issues: [{ path: 'tenant', message: 'required with the admin key' }],
      },
    );
  }
  return tenant;
}
