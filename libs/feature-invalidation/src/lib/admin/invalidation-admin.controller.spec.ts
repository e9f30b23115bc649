import { DocChangeV1, InvalidationV1 } from '@deja/contracts';
import { bodySchema } from './invalidation-admin.controller';

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
