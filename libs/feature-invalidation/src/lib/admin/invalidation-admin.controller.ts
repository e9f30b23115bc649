import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { DocChangeV1, InvalidationV1, TenantId, TOPICS } from '@deja/contracts';
import { InvalidationRepository, type AppliedEvent } from '@deja/data-access-invalidation';
import { TopicPublisher } from '@deja/data-access-kafka';
import { InvalidationErrorCode, InvalidationException } from '../invalidation.exception';
import { buildDocChange, buildInvalidation, docChangeKey, invalidationKey } from '../messages';
import { InvalidationExceptionFilter } from './invalidation-exception.filter';

export interface EventStatus {
  event_id: string;
  /** One per tenant that sent this id (server-made ids are UUIDs: one). */
  effects: Array<{
    tenant: string;
    cause: string;
    entries_retired: number;
    new_version: number | null;
    applied_at: string;
    audited: boolean;
  }>;
}

/**
 * The body's OpenAPI schema: the topic contract's JSON Schema with `at` removed and `event_id`
 * optional, since the server fills them.
 */
export function bodySchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && typeof v === 'object' && v !== null) {
        const { at: _at, ...props } = v as Record<string, unknown>;
        out[k] = Object.fromEntries(Object.entries(props).map(([pk, pv]) => [pk, strip(pv)]));
      } else if (k === 'required' && Array.isArray(v)) {
        out[k] = v.filter((r) => r !== 'at' && r !== 'event_id');
      } else {
        out[k] = strip(v);
      }
    }
    return out;
  };
  return strip(json) as Record<string, unknown>;
}
const TenantQuery = TenantId.optional();
/** Any id an event could carry: a NUL or half a character never reaches Postgres (it would answer 500). */
const EventIdParam = DocChangeV1.shape.event_id;

/**
 * Operator routes for invalidation. They publish to Kafka (the invalidation-service applies the
 * command) and answer 202 with the event id; `GET …/{event_id}` reports the effect once applied.
 * The class carries no guard of its own: {@link InvalidationAdminModule.forRoot} requires the
 * mounting app to protect it.
 */
@ApiTags('admin')
@Controller('v1/admin')
export class InvalidationAdminController {
  constructor(
    private readonly publisher: TopicPublisher,
    private readonly repo: InvalidationRepository,
  ) {}

  @Post('invalidations')
  @HttpCode(202)
  @UseFilters(InvalidationExceptionFilter)
  @ApiOperation({
    summary: 'Purge cache entries or bump a namespace version',
    description:
      'Body: a deja.invalidations.v1 command without `at` (and `event_id`, unless you pass your own as an idempotency key). Answers 202 with the event id.',
  })
  @ApiBody({ schema: bodySchema(InvalidationV1) })
  async invalidate(@Body() body: unknown): Promise<{ event_id: string }> {
    const command = buildInvalidation(body);
    await this.publish(() =>
      this.publisher.publish(TOPICS.invalidations, [{ key: invalidationKey(command), value: command }]),
    );
    return { event_id: command.event_id };
  }

  @Post('doc-changes')
  @HttpCode(202)
  @UseFilters(InvalidationExceptionFilter)
  @ApiOperation({
    summary: 'Report a document change',
    description: 'Body: a deja.doc-changes.v1 event without `at` (and `event_id`). Answers 202 with the event id.',
  })
  @ApiBody({ schema: bodySchema(DocChangeV1) })
  async docChanged(@Body() body: unknown): Promise<{ event_id: string }> {
    const event = buildDocChange(body);
    await this.publish(() => this.publisher.publish(TOPICS.docChanges, [{ key: docChangeKey(event), value: event }]));
    return { event_id: event.event_id };
  }

  @Get('invalidations/:event_id')
  @UseFilters(InvalidationExceptionFilter)
  @ApiOperation({
    summary: 'The effect of an invalidation command or document change',
    description: '404 until the invalidation-service has applied it. `?tenant=` narrows to one tenant.',
  })
  @ApiParam({ name: 'event_id' })
  @ApiQuery({ name: 'tenant', required: false })
  async status(@Param('event_id') eventId: string, @Query('tenant') tenant?: string): Promise<EventStatus> {
    parsedParam(EventIdParam, 'event_id', eventId);
    const records = await this.repo.findEventsById(eventId, parsedParam(TenantQuery, 'tenant', tenant));
    if (records.length === 0) {
      throw new InvalidationException(
        InvalidationErrorCode.UnknownEvent,
        `no applied event ${JSON.stringify(eventId)}: not consumed yet, or never sent`,
      );
    }
    return { event_id: eventId, effects: records.map(toEffect) };
  }

  private async publish(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      throw new InvalidationException(
        InvalidationErrorCode.PublishFailed,
        `Kafka did not accept the message: ${error instanceof Error ? error.message : String(error)}`,
        [],
        { cause: error },
      );
    }
  }
}

/** A path or query parameter parsed by its schema, or an `invalid_request` naming it. */
function parsedParam<T>(schema: z.ZodType<T>, name: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message;
  throw new InvalidationException(InvalidationErrorCode.InvalidRequest, `invalid ${name}: ${message ?? ''}`, [
    { path: name, message: message ?? 'invalid' },
  ]);
}

function toEffect(r: AppliedEvent): EventStatus['effects'][number] {
  return {
    tenant: r.tenant,
    cause: r.cause,
    entries_retired: r.entriesRetired,
    new_version: r.newVersion,
    applied_at: r.appliedAt.toISOString(),
    audited: r.publishedAt !== null,
  };
}
