import { documentSelector, namespaceSelector, purgeSelector, type PurgeCommand } from './selectors';

const base = { event_id: 'e1', tenant: 'acme', at: '2026-01-01T00:00:00Z' };
const cmd = (c: { action: PurgeCommand['action'] } & Record<string, unknown>): PurgeCommand =>
  ({ ...base, ...c }) as PurgeCommand;

describe('purgeSelector', () => {
  it('scopes every selector to the tenant as $1', () => {
    const commands: PurgeCommand[] = [
      cmd({ action: 'purge_tenant' }),
      cmd({ action: 'purge_namespace', namespace: 'faq' }),
      cmd({ action: 'purge_document', doc_id: 'D' }),
      cmd({ action: 'purge_entry', entry_id: '0f8fad5b-d9cb-469f-a165-70867728950e' }),
      cmd({ action: 'purge_query', query: 'Hi' }),
      cmd({ action: 'purge_user', user: 'u1' }),
    ];
    for (const c of commands) {
      const s = purgeSelector(c)!;
      expect(s.where.startsWith('tenant = $1')).toBe(true);
      expect(s.params[0]).toBe('acme');
    }
  });

  it('maps purge_tenant to the tenant alone', () => {
    expect(purgeSelector(cmd({ action: 'purge_tenant' }))).toEqual({ where: 'tenant = $1', params: ['acme'] });
  });

  it('maps purge_namespace to tenant and namespace', () => {
    expect(purgeSelector(cmd({ action: 'purge_namespace', namespace: 'faq' }))).toEqual({
      where: 'tenant = $1 AND namespace = $2',
      params: ['acme', 'faq'],
    });
  });

  it('maps purge_document to array containment on doc_ids (the GIN index)', () => {
    expect(purgeSelector(cmd({ action: 'purge_document', doc_id: 'D' }))).toEqual({
      where: 'tenant = $1 AND doc_ids @> ARRAY[$2::text]',
      params: ['acme', 'D'],
    });
  });

  it('maps purge_entry to the entry id, lower-cased', () => {
    expect(purgeSelector(cmd({ action: 'purge_entry', entry_id: '0F8FAD5B-D9CB-469F-A165-70867728950E' }))).toEqual({
      where: 'tenant = $1 AND id = $2::uuid',
      params: ['acme', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    });
  });

  it('names nothing for an entry id that is not a UUID', () => {
    expect(purgeSelector(cmd({ action: 'purge_entry', entry_id: 'not-a-uuid' }))).toBeNull();
  });

  it('matches purge_query on the normalised query, as entries store it', () => {
    expect(purgeSelector(cmd({ action: 'purge_query', query: '  How do I reset my Password?  ' }))).toEqual({
      where: 'tenant = $1 AND normalized_query = $2',
      params: ['acme', 'how do i reset my password'],
    });
  });

  it('narrows purge_query to a namespace when given', () => {
    expect(purgeSelector(cmd({ action: 'purge_query', query: 'hi', namespace: 'faq' }))).toEqual({
      where: 'tenant = $1 AND normalized_query = $2 AND namespace = $3',
      params: ['acme', 'hi', 'faq'],
    });
  });

  it('maps purge_user to the user id', () => {
    expect(purgeSelector(cmd({ action: 'purge_user', user: 'u1' }))).toEqual({
      where: 'tenant = $1 AND user_id = $2',
      params: ['acme', 'u1'],
    });
  });
});

describe('documentSelector', () => {
  it('passes the deleted flag and the new version', () => {
    expect(documentSelector('acme', 'D', { version: 3, deleted: false }).params).toEqual(['acme', 'D', false, 3]);
    expect(documentSelector('acme', 'D', { version: 3, deleted: true }).params).toEqual(['acme', 'D', true, 3]);
  });
});

describe('namespaceSelector', () => {
  it('names entries built below the new version', () => {
    expect(namespaceSelector('acme', 'faq', 4)).toEqual({
      where: 'tenant = $1 AND namespace = $2 AND namespace_version < $3::bigint',
      params: ['acme', 'faq', 4],
    });
  });
});
