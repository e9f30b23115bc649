import { Body, Controller, Get, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TenantId as TenantIdSchema } from '@deja/contracts';
import { AdminRoute } from '../auth/api-key.guard';
import { AuthService } from '../auth/auth.service';
import { GatewayExceptionFilter } from '../http/gateway-exception.filter';
import { openApiSchema } from '../http/openapi';
import { JobsService } from '../jobs/jobs.service';
import { parseOrThrow } from '../translate/common';

export const CreateTenantBody = z
  .object({
    id: TenantIdSchema,
    rate_limit: z.object({ rps: z.number().positive().max(100_000).optional(), burst: z.number().int().positive().max(1_000_000).optional() }).strict().optional(),
  })
  .strict();

const StatsQuery = z.object({ tenant: TenantIdSchema.optional() });

/** Admin routes (admin key only). Other admin routes (e.g. invalidations) live in their own modules using `@AdminRoute()`. */
@ApiTags('admin')
@Controller('v1/admin')
@AdminRoute()
@UseFilters(GatewayExceptionFilter)
export class AdminController {
  constructor(
    private readonly auth: AuthService,
    private readonly jobs: JobsService,
  ) {}

  @Post('tenants')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant', description: 'Returns the tenant\'s API key once; it is stored only as a digest.' })
  @ApiBody({ schema: openApiSchema(CreateTenantBody) })
  async createTenant(@Body() body: unknown): Promise<{ tenant: string; api_key: string }> {
    const b = parseOrThrow(CreateTenantBody, body);
    return this.auth.createTenant(b.id, b.rate_limit);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Job counts by status and cache outcome, money spent and saved', description: '`?tenant=` narrows to one tenant.' })
  async stats(@Query() query: unknown): Promise<Record<string, unknown>> {
    const q = parseOrThrow(StatsQuery, query, 'query');
    return { tenant: q.tenant ?? null, ...(await this.jobs.stats(q.tenant)) };
  }
}
