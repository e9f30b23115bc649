import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Namespace, TenantId } from '@deja/contracts';
import { TopicPublisher } from '@deja/data-access-kafka';
import {
  Caller,
  GatewayErrorCode,
  GatewayException,
  GatewayExceptionFilter,
  openApiSchema,
  parseOrThrow,
  publishInvalidation,
  TenantOrAdminRoute,
  type Principal,
} from '@deja/feature-gateway';
import { buildInvalidation } from '@deja/feature-invalidation';
import { CONSOLE_OPTIONS, traceSearchUrl, type ConsoleOptions } from './console.options';
import { ConsoleRepository } from './console.repository';
import { effectivePolicy, mergeSettings, NamespaceSettingsBody, settingsIssues } from './namespace-settings';
import { OVERVIEW_WINDOWS, totals } from './overview';
import { OverviewRepository } from './overview.repository';
import { readScope, writeScope } from './scope';
import { decisionView, entryView, invalidationView, questionOf, scopeOf } from './views';

const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const TenantQuery = z.object({ tenant: TenantId.optional() });

const DecisionsQuery = TenantQuery.extend({
  namespace: Namespace.optional(),
  model: z.string().min(1).max(200).optional(),
  outcome: z.enum(['hit', 'miss', 'bypass', 'queued', 'failed']).optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: Limit(200, 50),
}).strict();
const EntriesQuery = TenantQuery.extend({
  namespace: Namespace.optional(),
  // The trigram index answers a contains search of 3 characters or more; a shorter text has no
  // trigram, and would read every entry of the tenant (docs/benchmarks.md §7).
  q: z
    .string()
    .max(500)
    .refine((q) => q.trim().length === 0 || q.trim().length >= 3, 'search for at least 3 characters (or none)')
    .optional(),
  limit: z.number().int().min(1).max(200).default(50),
}).strict();
const OverviewQuery = TenantQuery.extend({
  namespace: Namespace.optional(),
  window: z.enum(['hour', 'day', 'week']).default('hour'),
}).strict();
const InvalidationsQuery = TenantQuery.extend({ limit: Limit(500, 100) }).strict();
const IdParam = z.object({ id: z.string().min(1).max(200) });
const NamespaceParam = z.object({ namespace: Namespace });

/** What the console can retire, each through the same invalidation command the admin API publishes. */
export const RetireBody = z.discriminatedUnion('action', [
  z.object({ tenant: TenantId.optional(), action: z.literal('purge_entry'), entry_id: z.uuid() }).strict(),
  z
    .object({ tenant: TenantId.optional(), action: z.literal('purge_document'), doc_id: z.string().min(1).max(500) })
    .strict(),
  z.object({ tenant: TenantId.optional(), action: z.literal('purge_namespace'), namespace: Namespace }).strict(),
]);

const tenantParam = {
  name: 'tenant',
  required: false,
  description: 'Admin key: narrow to one tenant (a tenant key sees only its own).',
};

/**
 * The console's JSON API (`/v1/console/*`). A tenant key reads and acts on its own tenant; the
 * admin key on every tenant (reads) or the one it names (actions). Prompts and answers are
 * tenant data: they travel only in these authenticated bodies, never in a URL.
 */
@ApiTags('console')
@Controller('v1/console')
@TenantOrAdminRoute()
@UseFilters(GatewayExceptionFilter)
export class ConsoleController {
  constructor(
    private readonly repo: ConsoleRepository,
    private readonly overviews: OverviewRepository,
    private readonly publisher: TopicPublisher,
    @Inject(CONSOLE_OPTIONS) private readonly options: ConsoleOptions,
  ) {}

  @Get('session')
  @ApiOperation({ summary: 'Who the key is: a tenant, or the admin with the tenants it can pick' })
  async session(@Caller() caller: Principal): Promise<Record<string, unknown>> {
    if (caller.kind === 'tenant') return { kind: 'tenant', tenant: caller.tenant };
    return { kind: 'admin', tenants: await this.repo.tenants() };
  }

  @Get('decisions')
  @ApiOperation({ summary: 'Recent requests, newest first, with the cache decision of each' })
  @ApiQuery(tenantParam)
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'model', required: false })
  @ApiQuery({ name: 'outcome', required: false, enum: ['hit', 'miss', 'bypass', 'queued', 'failed'] })
  @ApiQuery({ name: 'before', required: false, description: 'ISO time: the page before this one' })
  @ApiQuery({ name: 'limit', required: false })
  async decisions(@Caller() caller: Principal, @Query() query: unknown): Promise<Record<string, unknown>> {
    const q = parseOrThrow(DecisionsQuery, query, 'query');
    const rows = await this.repo.decisions({ ...q, tenant: readScope(caller, q.tenant) });
    return { decisions: rows.map((r) => decisionView(r, caller.kind === 'admin')) };
  }

  @Get('decisions/:id')
  @ApiOperation({
    summary: 'Why one request hit or missed',
    description:
      'The question, the decision, the scope fields that had to match, and the stored question it was served from.',
  })
  @ApiParam({ name: 'id' })
  @ApiQuery(tenantParam)
  async decision(
    @Caller() caller: Principal,
    @Param() params: unknown,
    @Query() query: unknown,
  ): Promise<Record<string, unknown>> {
    const { id } = parseOrThrow(IdParam, params, 'path');
    const q = parseOrThrow(TenantQuery.strict(), query, 'query');
    const row = await this.repo.decision(readScope(caller, q.tenant), id);
    if (!row) throw new GatewayException(GatewayErrorCode.NotFound, `no request ${JSON.stringify(id)}`);
    const view = decisionView(row, caller.kind === 'admin');
    const entryId = typeof view['entry_id'] === 'string' ? view['entry_id'] : undefined;
    const entry = entryId ? await this.repo.entry(row.tenant, entryId) : undefined;
    return {
      ...view,
      question: questionOf(row.request),
      answer: row.result?.answer?.content ?? null,
      scope: scopeOf(row),
      matched: entry ? entryView(entry) : null,
      trace_url: this.options.traceUiUrl ? traceSearchUrl(this.options.traceUiUrl, row.id) : null,
    };
  }

  @Post('entries/search')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Live cache entries whose question contains a text, newest first',
    description:
      'A POST so the searched text (tenant data) never sits in a URL or an access log. `q`: 3 characters or more (a trigram index answers it), or none for the newest entries.',
  })
  @ApiBody({ schema: openApiSchema(EntriesQuery) })
  async entries(@Caller() caller: Principal, @Body() body: unknown): Promise<Record<string, unknown>> {
    const q = parseOrThrow(EntriesQuery, body ?? {});
    const text = q.q?.trim() ? q.q.trim() : undefined;
    const rows = await this.repo.entries({
      tenant: readScope(caller, q.tenant),
      namespace: q.namespace,
      text,
      limit: q.limit,
    });
    return { entries: rows.map((r) => entryView(r)) };
  }

  @Post('retire')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retire an entry, a document’s entries or a namespace',
    description:
      'Publishes the same deja.invalidations.v1 command as `POST /v1/admin/invalidations` (purge_entry, purge_document, purge_namespace) for the caller’s tenant; the invalidation-service applies it and records it in the audit stream. Answers 202 with the event id.',
  })
  @ApiBody({ schema: openApiSchema(RetireBody) })
  async retire(@Caller() caller: Principal, @Body() body: unknown): Promise<{ event_id: string }> {
    const b = parseOrThrow(RetireBody, body);
    const tenant = writeScope(caller, b.tenant);
    const command = buildInvalidation({
      ...b,
      tenant,
      requested_by: caller.kind === 'admin' ? 'console:admin' : 'console:tenant',
    });
    await publishInvalidation(this.publisher, command);
    return { event_id: command.event_id };
  }

  @Get('namespaces')
  @ApiOperation({ summary: 'Namespaces: stored settings, the policy in effect, live entries' })
  @ApiQuery(tenantParam)
  async namespaces(@Caller() caller: Principal, @Query() query: unknown): Promise<Record<string, unknown>> {
    const q = parseOrThrow(TenantQuery.strict(), query, 'query');
    const rows = await this.repo.namespaces(readScope(caller, q.tenant));
    return {
      namespaces: rows.map((r) => {
        const policy = effectivePolicy({
          threshold: r.threshold,
          targetFalseHitRate: r.target_false_hit_rate,
          minThreshold: r.min_threshold,
          maxThreshold: r.max_threshold,
          ttlSeconds: r.ttl_seconds,
          slidingTtl: r.sliding_ttl,
        });
        return {
          tenant: r.tenant,
          namespace: r.namespace,
          version: r.version,
          live_entries: r.live_entries,
          settings: {
            threshold: r.threshold,
            target_false_hit_rate: r.target_false_hit_rate,
            ttl_seconds: r.ttl_seconds,
          },
          effective: policy
            ? {
                rule: policy.rule,
                threshold: policy.threshold,
                min_threshold: policy.minThreshold,
                max_threshold: policy.maxThreshold,
                target_false_hit_rate: policy.targetFalseHitRate,
                min_target_false_hit_rate: policy.minTargetFalseHitRate,
                max_target_false_hit_rate: policy.maxTargetFalseHitRate,
                ttl_seconds: policy.ttlSeconds,
              }
            : null,
        };
      }),
    };
  }

  @Put('namespaces/:namespace')
  @ApiOperation({
    summary: 'Change a namespace’s threshold, target false-hit rate or TTL',
    description:
      'A field left out keeps its value; `null` returns it to the service default. Validated as the pipeline validates a namespace: a bad value answers 400 with an issue naming its field. Takes effect on the next lookup.',
  })
  @ApiParam({ name: 'namespace' })
  @ApiBody({ schema: openApiSchema(NamespaceSettingsBody) })
  async saveNamespace(
    @Caller() caller: Principal,
    @Param() params: unknown,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const { namespace } = parseOrThrow(NamespaceParam, params, 'path');
    const change = parseOrThrow(NamespaceSettingsBody, body);
    const tenant = writeScope(caller, change.tenant);
    const current = await this.repo.namespaceOverrides(tenant, namespace);
    const issues = settingsIssues(current, change);
    if (issues.length > 0) {
      throw new GatewayException(
        GatewayErrorCode.InvalidRequest,
        `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        { issues },
      );
    }
    const merged = mergeSettings(current, change);
    await this.repo.saveNamespace(tenant, namespace, merged);
    return {
      tenant,
      namespace,
      settings: {
        threshold: merged.threshold,
        target_false_hit_rate: merged.targetFalseHitRate,
        ttl_seconds: merged.ttlSeconds,
      },
    };
  }

  @Get('overview')
  @ApiOperation({
    summary: 'Hit rates, provider calls avoided, money saved and latency over the last hour, day or week',
    description:
      'Buckets (5 minutes, 1 hour or 6 hours) of the requests completed in the window, counted when they completed, and their totals. p50/p99 come from a latency histogram of 10 % buckets (within 5 %).',
  })
  @ApiQuery(tenantParam)
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'window', required: false, enum: ['hour', 'day', 'week'] })
  async overview(@Caller() caller: Principal, @Query() query: unknown): Promise<Record<string, unknown>> {
    const q = parseOrThrow(OverviewQuery, query, 'query');
    const rows = await this.overviews.overview(readScope(caller, q.tenant), q.namespace, OVERVIEW_WINDOWS[q.window]);
    return {
      window: q.window,
      bucket: OVERVIEW_WINDOWS[q.window].bucket,
      totals: totals(rows),
      buckets: rows.map((r) => ({ ...r, bucket: r.bucket.toISOString() })),
    };
  }

  @Get('invalidations')
  @ApiOperation({
    summary: 'The invalidation audit stream: purges and document changes, what each retired, how long it took',
  })
  @ApiQuery(tenantParam)
  @ApiQuery({ name: 'limit', required: false })
  async invalidations(@Caller() caller: Principal, @Query() query: unknown): Promise<Record<string, unknown>> {
    const q = parseOrThrow(InvalidationsQuery, query, 'query');
    const rows = await this.repo.invalidations(readScope(caller, q.tenant), q.limit);
    return { invalidations: rows.map(invalidationView) };
  }
}
