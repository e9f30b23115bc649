import { EntrySigner, type SignedFields } from './entry-signer';

const fields: SignedFields = {
  tenant: 'acme',
  namespace: 'faq',
  scopeHash: 's1',
  queryHash: 'q1',
  queryText: 'What is RAG?',
  answer: { content: 'Retrieval-augmented generation', finish_reason: 'stop', simulated: false },
  namespaceVersion: 1,
  docVersions: { handbook: 3 },
  userId: null,
};

describe('EntrySigner', () => {
  const signer = new EntrySigner(Buffer.alloc(32, 7));

  it('verifies what it signed, whatever the key order of the answer', () => {
    const sig = signer.sign(fields);
    expect(
      signer.verify(
        { ...fields, answer: { simulated: false, finish_reason: 'stop', content: 'Retrieval-augmented generation' } },
        sig,
      ),
    ).toBe(true);
  });

  it('refuses an altered answer, another tenant, another scope, a missing or foreign signature', () => {
    const sig = signer.sign(fields);
    expect(signer.verify({ ...fields, answer: { content: 'forged' } }, sig)).toBe(false);
    expect(signer.verify({ ...fields, tenant: 'globex' }, sig)).toBe(false);
    expect(signer.verify({ ...fields, scopeHash: 's2' }, sig)).toBe(false);
    expect(signer.verify(fields, null)).toBe(false);
    expect(signer.verify(fields, new EntrySigner(Buffer.alloc(32, 8)).sign(fields))).toBe(false);
  });

  it('rejects a short key', () => {
    expect(() => new EntrySigner(Buffer.alloc(8))).toThrow(/32 bytes/);
  });
});
