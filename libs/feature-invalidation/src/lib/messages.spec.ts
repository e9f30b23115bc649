import { InvalidationErrorCode, InvalidationException } from './invalidation.exception';
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

  // Postgres cannot store these: accepted, they came back as 202 and were then dead-lettered.
  it.each([
    ['a NUL in event_id', { action: 'purge_tenant', event_id: 'a\u0000b' }, 'event_id'],
    ['a lone surrogate in a purge_query query', { action: 'purge_query', query: 'what \ud800 is' }, 'query'],
    ['a NUL in a purge_document doc_id', { action: 'purge_document', doc_id: 'doc\u0000' }, 'doc_id'],
    ['a lone low surrogate in purge_user user', { action: 'purge_user', user: '\udc00u' }, 'user'],
  ])('refuses %s with the field named (invalid_request)', (_what, body, field) => {
    try {
      buildInvalidation({ tenant: 'acme', ...body });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidationException);
      expect((error as InvalidationException).code).toBe(InvalidationErrorCode.InvalidRequest);
      expect((error as InvalidationException).issues.map((i) => i.path)).toContain(field);
    }
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

  it('refuses a NUL in doc_id with the field named (was 503 publish_failed)', () => {
    expect(() => buildDocChange({ tenant: 'acme', doc_id: 'a\u0000b', change: 'updated' })).toThrow(
      expect.objectContaining({
        code: InvalidationErrorCode.InvalidRequest,
        issues: [expect.objectContaining({ path: 'doc_id' })],
      }),
    );
  });
});

describe('message keys', () => {
  it('keys commands by tenant and document changes by tenant and document', () => {
    expect(invalidationKey(buildInvalidation({ tenant: 'acme', action: 'purge_tenant' }))).toBe('acme');
    expect(docChangeKey(buildDocChange({ tenant: 'acme', doc_id: 'D', change: 'deleted' }))).toBe('acme:D');
  });
});
