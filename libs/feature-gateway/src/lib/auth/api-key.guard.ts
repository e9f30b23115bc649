import {
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  applyDecorators,
  UseGuards,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { Request } from 'express';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { presentedKey } from './api-key';
import { AuthService, Principal } from './auth.service';
import { RateLimiter } from './rate-limiter';

const ADMIN_ONLY = 'deja:admin-only';
const ANY_KEY = 'deja:any-key';

type AuthedRequest = Request & { principal?: Principal };

/**
 * Authenticates `Authorization: Bearer <key>` or `x-api-key`, enforces admin-only routes (403)
 * and the tenant's rate limit (429). 401 for a missing or unknown key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const key = presentedKey(req.headers);
    if (!key)
      throw new GatewayException(
        GatewayErrorCode.Unauthenticated,
        'missing API key: send `Authorization: Bearer <key>` (or `x-api-key: <key>`)',
      );
    const principal = await this.auth.resolve(key);
    if (!principal) throw new GatewayException(GatewayErrorCode.Unauthenticated, 'unknown API key');
    const adminOnly =
      this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [ctx.getHandler(), ctx.getClass()]) ?? false;
    if (adminOnly && principal.kind !== 'admin')
      throw new GatewayException(GatewayErrorCode.Forbidden, 'this route needs the admin key');
    const anyKey = this.reflector.getAllAndOverride<boolean>(ANY_KEY, [ctx.getHandler(), ctx.getClass()]) ?? false;
    if (!adminOnly && !anyKey && principal.kind === 'admin')
      throw new GatewayException(
        GatewayErrorCode.Forbidden,
        'the admin key only opens /v1/admin routes; use a tenant key',
      );
    if (principal.kind === 'tenant') {
      const taken = this.limiter.take(principal.tenant, principal.rateLimit);
      if (!taken.ok) {
        throw new GatewayException(
          GatewayErrorCode.RateLimited,
          `rate limit of ${principal.rateLimit.rps}/s (burst ${principal.rateLimit.burst}) exceeded for tenant '${principal.tenant}'`,
          {
            retryAfterSeconds: taken.retryAfterSeconds,
          },
        );
      }
    }
    req.principal = principal;
    return true;
  }
}

/** Tenant routes: any tenant key, rate limited. */
export const TenantRoute = () => applyDecorators(UseGuards(ApiKeyGuard), ApiBearerAuth(), ApiSecurity('x-api-key'));

/** Admin routes (`/v1/admin/*`): only the admin key. Other modules use this to add admin routes. */
export const AdminRoute = () => applyDecorators(SetMetadata(ADMIN_ONLY, true), UseGuards(ApiKeyGuard), ApiBearerAuth());

/**
 * Routes that a tenant key (its own data) and the admin key (every tenant's) both open, such as
 * the console's read APIs: the handler scopes what it reads by the caller's {@link Caller}.
 */
export const TenantOrAdminRoute = () =>
  applyDecorators(SetMetadata(ANY_KEY, true), UseGuards(ApiKeyGuard), ApiBearerAuth(), ApiSecurity('x-api-key'));

/** The authenticated caller (tenant or admin), on routes behind the guard. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new GatewayException(GatewayErrorCode.Unauthenticated, 'missing API key');
  return p;
});

/** The calling tenant's id (only on `TenantRoute`s). */
export const TenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (p?.kind !== 'tenant') throw new GatewayException(GatewayErrorCode.Forbidden, 'a tenant key is required');
  return p.tenant;
});
