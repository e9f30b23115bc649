import { DocChangeV1, InvalidationV1 } from '@deja/contracts';
import type { InvalidationRepository } from '@deja/data-access-invalidation';
import type { TopicPublisher } from '@deja/data-access-kafka';
import { InvalidationErrorCode } from '../invalidation.exception';
import { bodySchema, InvalidationAdminController } from './invalidation-admin.controller';

describe('admin body schemas', () => {
  it('drops `at` and makes `event_id` optional in every command of the union', () => {
    const schema = bodySchema(InvalidationV1) as {
      oneOf?: Array<Record<string, unknown>>;
      anyOf?: Array<Record<string, unknown>>;
    };
    const options = schema.oneOf ?? schema.anyOf ?? [];
    expect(options.length).toBe(7);
    for (const o of options) {
      expect(Object.keys(o['properties'] as object)).not.toContain('at');
      expect(Object.keys(o['properties'] as object)).toContain('event_id');
      expect(o['required']).not.toContain('at');
      expect(o['required']).not.toContain('event_id');
      expect(o['required']).toContain('tenant');
    }
  });

  it('keeps the document change fields the caller sends', () => {
    const schema = bodySchema(DocChangeV1) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(['change', 'doc_id', 'event_id', 'tenant', 'version']);
    expect(schema.required.sort()).toEqual(['change', 'doc_id', 'tenant']);
    expect(schema).not.toHaveProperty('$schema');
  });
});

describe('GET /v1/admin/invalidations/{event_id}', () => {
  const repo = { findEventsById: jest.fn().mockResolvedValue([]) };
  const controller = new InvalidationAdminController({} as TopicPublisher, repo as unknown as InvalidationRepository);

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800'],
  ])('refuses an event id with %s as 400 invalid_request before Postgres sees it (was 500)', async (_what, id) => {
    await expect(controller.status(id)).rejects.toMatchObject({
      code: InvalidationErrorCode.InvalidRequest,
      issues: [expect.objectContaining({ path: 'event_id' })],
    });
    expect(repo.findEventsById).not.toHaveBeenCalled();
  });

  it('looks up a well-formed event id (404 until applied)', async () => {
    await expect(controller.status('evt-1')).rejects.toMatchObject({ code: InvalidationErrorCode.UnknownEvent });
    expect(repo.findEventsById).toHaveBeenCalledWith('evt-1', undefined);
  });
});
