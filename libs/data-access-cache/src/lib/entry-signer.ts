import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '@deja/util-cache-policy';

export const DEVELOPMENT_KEY = 'deja-development-entry-signing-key-not-for-production';

/** What an entry's signature covers: its scope, its question and its answer. */
export interface SignedFields {
  tenant: string;
  namespace: string;
  scopeHash: string;
  queryHash: string;
  queryText: string;
  answer: unknown;
  namespaceVersion: number;
  docVersions: Record<string, number>;
  userId: string | null;
}

/**
 * HMAC-SHA256 over an entry's scope and answer. Entries are signed when stored and verified on
 * every read, so a row inserted or edited by other means than Deja is never served.
 */
export class EntrySigner {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('the entry signing key must be at least 32 bytes');
  }

  /**
   * A fixed, public key for development, tests and benchmarks. Services take theirs from
   * configuration (DEJA_ENTRY_SIGNING_KEY) and warn when it is left at this one.
   */
  static development(): EntrySigner {
    return new EntrySigner(Buffer.from(DEVELOPMENT_KEY, 'utf8'));
  }

  sign(fields: SignedFields): string {
    return createHmac('sha256', this.key)
      .update(
        canonicalJson({
          v: 1,
          tenant: fields.tenant,
          namespace: fields.namespace,
          scope: fields.scopeHash,
          query: fields.queryHash,
          text: fields.queryText,
          answer: fields.answer,
          ns_version: fields.namespaceVersion,
          docs: fields.docVersions,
          user: fields.userId,
        }),
      )
      .digest('base64url');
  }

  verify(fields: SignedFields, signature: string | null): boolean {
    if (!signature) return false;
    const expected = Buffer.from(this.sign(fields));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
