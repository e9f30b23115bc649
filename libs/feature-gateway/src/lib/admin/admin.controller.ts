import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CacheOptions, TenantId as TenantIdSchema } from '@deja/contracts';
import { ErasureRepository, type ErasureReport } from '@deja/data-access-jobs';
import { AdminRoute } from '../auth/api-key.guard';
import { AuthService } from '../auth/auth.service';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { openApiSchema } from '../http/openapi';
import { jobView } from '../jobs/job-view';
import { JobsService } from '../jobs/jobs.service';
import { parseOrThrow } from '../translate/common';
import { cacheHeaders } from '../translate/headers';

export const CreateTenantBody = z
  .object({
    id: TenantIdSchema,
    rate_limit: z
      .object({
        rps: z.number().positive().max(100_000).optional(),
        burst: z.number().int().positive().max(1_000_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const StatsQuery = z.object({ tenant: TenantIdSchema.optional() });
const TenantParams = z.object({ tenant: TenantIdSchema });
const UserParams = z.object({
  tenant: TenantIdSchema,
  // Any id a request could carry as `deja.user`; never one Postgres cannot hold (NUL, half a character).
  user: CacheOptions.shape.user
    .unwrap()
    .refine((u) => u.isWellFormed() && !u.includes('\u0000'), 'must be well-formed text without NUL'),
});
const JobParams = z.object({ tenant: TenantIdSchema, id: z.string().min(1).max(200) });
const EraseTenantQuery = z.object({ keep_account: z.enum(['true', 'false']).default('false') }).strict();

/** Admin routes (admin key only). Other admin routes (e.g. invalidations) live in their own modules using `@AdminRoute()`. */
@ApiTags('admin')
@Controller('v1/admin')
@AdminRoute()
@UseFilters(GatewayExceptionFilter)
export class AdminController {
  constructor(
    private readonly auth: AuthService,
    private readonly jobs: JobsService,
    private readonly erasure: ErasureRepository,
  ) {}

  @Post('tenants')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a tenant',
    description: "Returns the tenant's API key once; it is stored only as a digest.",
  })
  @ApiBody({ schema: openApiSchema(CreateTenantBody) })
  async createTenant(@Body() body: unknown): Promise<{ tenant: string; api_key: string }> {
    const b = parseOrThrow(CreateTenantBody, body);
    return this.auth.createTenant(b.id, b.rate_limit);
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Job counts by status and cache outcome, money spent and saved',
    description: '`?tenant=` narrows to one tenant.',
  })
  @ApiQuery({ name: 'tenant', required: false, schema: { type: 'string' } })
  async stats(@Query() query: unknown): Promise<Record<string, unknown>> {
    const q = parseOrThrow(StatsQuery, query, 'query');
    return { tenant: q.tenant ?? null, ...(await this.jobs.stats(q.tenant)) };
  }

  @Get('tenants/:tenant/jobs/:id')
  @ApiOperation({
    summary: "A tenant's job with debug output",
    description:
      "The job view with what tenant callers do not see: on a miss, the similarity of the nearest entry in scope and the decision stage's probability for it (body `cache.similarity`, `cache.probability`, and the `x-deja-similarity` / `x-deja-decision` headers).",
  })
  @ApiParam({ name: 'tenant', schema: { type: 'string' } })
  @ApiParam({ name: 'id', schema: { type: 'string' } })
  async debugJob(
    @Param() params: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const { tenant, id } = parseOrThrow(JobParams, params, 'path');
    const job = await this.jobs.get(tenant, id);
    for (const [k, v] of Object.entries(cacheHeaders(job.id, job.result, { debug: true }))) res.setHeader(k, v);
    return { tenant, ...jobView(job, { debug: true }) };
  }

  @Delete('tenants/:tenant')
  @ApiOperation({
    summary: 'Erase everything of a tenant',
    description:
      "Deletes the tenant's cache entries (live and retired), jobs with their prompts and answers, request ids, invalidation records, documents and namespaces, and — unless `?keep_account=true` — the tenant and its API keys. Answers to requests still in flight are not stored afterwards. Idempotent: repeating it finishes an interrupted erasure.",
  })
  @ApiParam({ name: 'tenant', schema: { type: 'string' } })
  @ApiQuery({ name: 'keep_account', required: false, schema: { type: 'string', enum: ['true', 'false'] } })
  async eraseTenant(@Param() params: unknown, @Query() query: unknown): Promise<ErasureReport> {
    const { tenant } = parseOrThrow(TenantParams, params, 'path');
    const q = parseOrThrow(EraseTenantQuery, query, 'query');
    const report = await this.erase(() => this.erasure.eraseTenant(tenant, { keepAccount: q.keep_account === 'true' }));
    this.auth.forgetTenant(tenant);
    return report;
  }

  @Delete('tenants/:tenant/users/:user')
  @ApiOperation({
    summary: 'Erase everything of one user of a tenant',
    description:
      'Deletes the cache entries scoped to the user (personal) or built from their questions, their jobs with prompts and answers, their request ids and the purge commands that name them. The user is the `deja.user` of their requests. Answers to their requests still in flight are not stored afterwards.',
  })
  @ApiParam({ name: 'tenant', schema: { type: 'string' } })
  @ApiParam({ name: 'user', schema: { type: 'string' } })
  async eraseUser(@Param() params: unknown): Promise<ErasureReport> {
    const { tenant, user } = parseOrThrow(UserParams, params, 'path');
    return this.erase(() => this.erasure.eraseUser(tenant, user));
  }

  private async erase(work: () => Promise<ErasureReport>): Promise<ErasureReport> {
    try {
      return await work();
    } catch (cause) {
      throw new GatewayException(
        GatewayErrorCode.StoreUnavailable,
        'the erasure did not complete (Postgres); request it again',
        { cause, retryAfterSeconds: 2 },
      );
    }
  }
}
