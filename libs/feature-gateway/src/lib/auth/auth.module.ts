import { Global, Module } from '@nestjs/common';
import { JobsDataModule } from '@deja/data-access-jobs';
import { ApiKeyGuard } from './api-key.guard';
import { AuthService } from './auth.service';
import { RateLimiter } from './rate-limiter';

/**
 * API-key authentication, admin checks and rate limits. Global so that any module can put
 * `@AdminRoute()` or `@TenantRoute()` on its controllers (e.g. the invalidation admin routes).
 */
@Global()
@Module({
  imports: [JobsDataModule],
  providers: [AuthService, ApiKeyGuard, { provide: RateLimiter, useFactory: () => new RateLimiter() }],
  exports: [AuthService, ApiKeyGuard, RateLimiter],
})
export class AuthModule {}
