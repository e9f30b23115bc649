import { InvalidationException } from './invalidation.exception';
import { buildDocChange, buildInvalidation, docChangeKey, invalidationKey } from './messages';

const at = new Date('2026-11-27T00:00:00Z');

describe('buildInvalidation', () => {
  it('fills event_id and at', () => {
    const c = buildInvalidation(
      { tenant: 'acme', action: 'purge_namespace', namespace: 'faq' },
      { eventId: 'e-1', at },
    );
    expect(c).toEqual({
      tenant: 'acme',
      action: 'purge_namespace',
      namespace: 'faq',
      event_id: 'e-1',
      at: '2026-11-27T00:00:00.000Z',
    });
  });

  it('makes a UUID event id when none is given', () => {
    expect(buildInvalidation({ tenant: 'acme', action: 'purge_tenant' }).event_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps an event id the caller chose (an idempotency key for retries)', () => {
    expect(
      buildInvalidation({ tenant: 'acme', action: 'purge_tenant', event_id: 'mine' }, { eventId: 'other' }).event_id,
    ).toBe('mine');
  });

  it('overrides a caller-supplied `at`', () => {
    expect(buildInvalidation({ tenant: 'acme', action: 'purge_tenant', at: 'yesterday' }, { at }).at).toBe(
      '2026-11-27T00:00:00.000Z',
    );
  });

  it('refuses an unknown action with the field that is wrong', () => {
    try {
      buildInvalidation({ tenant: 'acme', action: 'purge_everything' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidationException);
      expect((error as InvalidationException).issues.map((i) => i.path)).toContain('action');
    }
  });

  it('refuses a command missing its selector', () => {
    expect(() => buildInvalidation({ tenant: 'acme', action: 'purge_document' })).toThrow(/doc_id/);
  });

  it('refuses a body that is not an object', () => {
    expect(() => buildInvalidation([1, 2])).toThrow(InvalidationException);
  });
});

describe('buildDocChange', () => {
  it('builds an update with a version', () => {
    expect(
      buildDocChange({ tenant: 'acme', doc_id: 'D', change: 'updated', version: 3 }, { eventId: 'e', at }),
    ).toMatchObject({ change: 'updated', version: 3 });
  });

  it('refuses a negative version', () => {
    expect(() => buildDocChange({ tenant: 'acme', doc_id: 'D', change: 'updated', version: -1 })).toThrow(/version/);
  });
});

describe('message keys', () => {
  it('keys commands by tenant and document changes by tenant and document', () => {
    expect(invalidationKey(buildInvalidation({ tenant: 'acme', action: 'purge_tenant' }))).toBe('acme');
    expect(docChangeKey(buildDocChange({ tenant: 'acme', doc_id: 'D', change: 'deleted' }))).toBe('acme:D');
  });
});
