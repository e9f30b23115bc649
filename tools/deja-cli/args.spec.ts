import { parseCommand, UsageError } from './args';

describe('deja CLI arguments', () => {
  it('purges a tenant when no selector is given', () => {
    expect(parseCommand(['purge', '--tenant', 'acme'])).toEqual({
      kind: 'invalidate',
      body: { tenant: 'acme', action: 'purge_tenant' },
      waitSeconds: 30,
    });
  });

  it('maps each selector to its purge action', () => {
    const body = (args: string[]) =>
      (parseCommand(['purge', '--tenant', 'acme', ...args]) as { body: Record<string, unknown> }).body;
    expect(body(['--namespace', 'faq'])).toEqual({ tenant: 'acme', action: 'purge_namespace', namespace: 'faq' });
    expect(body(['--doc', 'D'])).toEqual({ tenant: 'acme', action: 'purge_document', doc_id: 'D' });
    expect(body(['--entry', 'e1'])).toEqual({ tenant: 'acme', action: 'purge_entry', entry_id: 'e1' });
    expect(body(['--query', 'What is RAG?'])).toEqual({ tenant: 'acme', action: 'purge_query', query: 'What is RAG?' });
    expect(body(['--query', 'q', '--namespace', 'faq'])).toEqual({
      tenant: 'acme',
      action: 'purge_query',
      query: 'q',
      namespace: 'faq',
    });
    expect(body(['--user', 'u1'])).toEqual({ tenant: 'acme', action: 'purge_user', user: 'u1' });
  });

  it('refuses two selectors', () => {
    expect(() => parseCommand(['purge', '--tenant', 'acme', '--doc', 'D', '--user', 'u'])).toThrow(/one selector/);
  });

  it('refuses --namespace with a selector other than --query', () => {
    expect(() => parseCommand(['purge', '--tenant', 'acme', '--namespace', 'n', '--doc', 'D'])).toThrow(UsageError);
  });

  it('requires --tenant', () => {
    expect(() => parseCommand(['purge', '--doc', 'D'])).toThrow(/--tenant is required/);
  });

  it('builds a namespace bump with a reason and the caller', () => {
    expect(
      parseCommand([
        'bump',
        '--tenant',
        'acme',
        '--namespace',
        'faq',
        '--reason',
        'new prices',
        '--requested-by',
        'ops',
        '--wait',
        '0',
      ]),
    ).toEqual({
      kind: 'invalidate',
      body: { tenant: 'acme', action: 'bump_namespace', namespace: 'faq', reason: 'new prices', requested_by: 'ops' },
      waitSeconds: 0,
    });
  });

  it('builds document changes: update with a version, deletion', () => {
    expect(
      parseCommand(['doc-changed', '--tenant', 'acme', '--doc', 'D', '--version', '7', '--event-id', 'ev']),
    ).toEqual({
      kind: 'doc-changed',
      body: { tenant: 'acme', doc_id: 'D', change: 'updated', version: 7 },
      eventId: 'ev',
      waitSeconds: 30,
    });
    expect(parseCommand(['doc-changed', '--tenant', 'acme', '--doc', 'D', '--deleted'])).toMatchObject({
      body: { change: 'deleted' },
    });
  });

  it('refuses a version that is not a non-negative integer', () => {
    expect(() => parseCommand(['doc-changed', '--tenant', 'acme', '--doc', 'D', '--version', '-1'])).toThrow(
      UsageError,
    );
    expect(() => parseCommand(['doc-changed', '--tenant', 'acme', '--doc', 'D', '--version', '2.5'])).toThrow(
      /--version/,
    );
  });

  it('refuses options a command does not take, and unknown options', () => {
    expect(() => parseCommand(['bump', '--tenant', 'acme', '--namespace', 'n', '--doc', 'D'])).toThrow(
      /does not take --doc/,
    );
    expect(() => parseCommand(['stats', '--bogus'])).toThrow(UsageError);
  });

  it('refuses an unknown command and shows help for none', () => {
    expect(() => parseCommand(['flush'])).toThrow(/unknown command/);
    expect(parseCommand([])).toEqual({ kind: 'help' });
    expect(parseCommand(['purge', '--help'])).toEqual({ kind: 'help' });
  });

  it('reads stats with an optional tenant', () => {
    expect(parseCommand(['stats'])).toEqual({ kind: 'stats', json: false });
    expect(parseCommand(['stats', '--tenant', 'acme', '--json'])).toEqual({
      kind: 'stats',
      tenant: 'acme',
      json: true,
    });
  });
});
