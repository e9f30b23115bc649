import { CachePolicyErrorCode, CachePolicyException } from './cache-policy.exception';
import { queryHash } from './text';
import type { NamespacePolicy } from './threshold';
import {
  DEFAULT_NAMESPACE_POLICY,
  DEFAULT_THRESHOLD,
  effectiveRule,
  effectiveThreshold,
  effectiveTtlSeconds,
  expiryAfterHit,
  validateNamespacePolicy,
} from './threshold';
import { decide, toCacheDecision } from './decision/decide';

const policy: NamespacePolicy = {
  rule: 'threshold',
  targetFalseHitRate: 0.02,
  minTargetFalseHitRate: 0.005,
  maxTargetFalseHitRate: 0.2,
  threshold: 0.93,
  minThreshold: 0.85,
  maxThreshold: 0.99,
  ttlSeconds: 3600,
  slidingTtl: false,
};

describe('decision rule', () => {
  const learned: NamespacePolicy = { ...policy, rule: 'learned' };

  it('decides by the namespace rule unless the request names a threshold or a target', () => {
    expect(effectiveRule(learned, {})).toEqual({ kind: 'learned', targetFalseHitRate: 0.02 });
    expect(effectiveRule(policy, {})).toEqual({ kind: 'threshold', threshold: 0.93 });
    expect(effectiveRule(learned, { threshold: 0.9 })).toEqual({ kind: 'threshold', threshold: 0.9 });
    expect(effectiveRule(policy, { target_false_hit_rate: 0.05 })).toEqual({
      kind: 'learned',
      targetFalseHitRate: 0.05,
    });
  });

  it.each([0, 0.001, 0.5, Number.NaN])('refuses a target false-hit rate of %p outside the bounds', (value) => {
    expect(() => effectiveRule(learned, { target_false_hit_rate: value })).toThrow(
      expect.objectContaining({ code: CachePolicyErrorCode.TargetOutOfBounds }),
    );
  });

  it('refuses a namespace whose target lies outside its own bounds', () => {
    expect(() => validateNamespacePolicy({ ...learned, targetFalseHitRate: 0.4 })).toThrow(/targetFalseHitRate/);
  });
});

describe('threshold policy', () => {
  it('ships a default namespace policy that validates and uses DEFAULT_THRESHOLD', () => {
    expect(validateNamespacePolicy({ ...DEFAULT_NAMESPACE_POLICY })).toMatchObject({ threshold: DEFAULT_THRESHOLD });
  });

  it('uses the namespace threshold without an override and accepts one within bounds', () => {
    expect(effectiveThreshold(policy)).toBe(0.93);
    expect(effectiveThreshold(policy, 0.85)).toBe(0.85);
    expect(effectiveThreshold(policy, 0.99)).toBe(0.99);
  });

  it.each([0.5, 0.8499, 0.995, Number.NaN])(
    'refuses an override of %p outside the bounds instead of clamping',
    (value) => {
      expect.assertions(3);
      try {
        effectiveThreshold(policy, value);
      } catch (e) {
        expect(e).toBeInstanceOf(CachePolicyException);
        expect((e as CachePolicyException).code).toBe(CachePolicyErrorCode.ThresholdOutOfBounds);
        expect((e as CachePolicyException).message).toContain('[0.85, 0.99]');
      }
    },
  );

  it('serialises its error explicitly and says it is not retriable', () => {
    const error = new CachePolicyException(CachePolicyErrorCode.TtlOutOfBounds, 'too long', { ttlSeconds: 9 });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'CachePolicyException',
      code: 'ttl_out_of_bounds',
      message: 'too long',
      retriable: false,
      details: { ttlSeconds: 9 },
    });
  });

  it('lets a request shorten the TTL but not lengthen it past the namespace maximum', () => {
    expect(effectiveTtlSeconds(policy)).toBe(3600);
    expect(effectiveTtlSeconds(policy, 60)).toBe(60);
    expect(() => effectiveTtlSeconds(policy, 7200)).toThrow(CachePolicyException);
    expect(effectiveTtlSeconds({ ...policy, maxTtlSeconds: 86400 }, 7200)).toBe(7200);
  });

  it('rejects inconsistent namespace policies, naming every problem', () => {
    expect(() => validateNamespacePolicy({ ...policy, threshold: 0.5, ttlSeconds: 0 })).toThrow(
      /threshold 0.5 is outside.*ttlSeconds must be/,
    );
  });

  it('renews expiry on a hit only with a sliding TTL', () => {
    const entry = { expiresAt: new Date('2026-01-01T01:00:00Z'), ttlSeconds: 3600 };
    const now = new Date('2026-01-01T00:30:00Z');
    expect(expiryAfterHit(policy, entry, now)).toEqual(entry.expiresAt);
    expect(expiryAfterHit({ ...policy, slidingTtl: true }, entry, now)).toEqual(new Date('2026-01-01T01:30:00Z'));
  });
});

describe('decide', () => {
  const base = { queryText: 'How do I enable dark mode?', threshold: 0.9 };

  it('serves the exact tier first', () => {
    const d = decide({
      ...base,
      exact: { entryId: 'e0' },
      candidates: [{ entryId: 'e1', similarity: 0.99, queryText: 'x' }],
    });
    expect(d).toMatchObject({ outcome: 'hit', tier: 'exact', entryId: 'e0', similarity: 1 });
  });

  it.each([
    ['Is the password hunter2 correct', 'Is the password Hunter2 correct'],
    ['How many uppercase letters are in the string abcdef', 'How many uppercase letters are in the string ABCDEF'],
  ])(
    'never serves %j from %j: not exact (other key), and the case guard refuses the uncased embedding match',
    (q, stored) => {
      expect(queryHash(q)).not.toBe(queryHash(stored));
      const d = decide({
        queryText: q,
        threshold: 0.96,
        candidates: [{ entryId: 'e', similarity: 1, queryText: stored }],
      });
      expect(d).toMatchObject({ outcome: 'miss', rejectedBy: 'case' });
    },
  );

  it('serves the most similar candidate that passes the threshold and the guards', () => {
    const d = decide({
      ...base,
      candidates: [
        { entryId: 'low', similarity: 0.91, queryText: 'How can I enable dark mode' },
        { entryId: 'best', similarity: 0.97, queryText: 'how do i enable dark mode' },
      ],
    });
    expect(d).toMatchObject({
      outcome: 'hit',
      tier: 'semantic',
      entryId: 'best',
      similarity: 0.97,
      threshold: 0.9,
      rejectedBy: null,
    });
  });

  it('skips a guarded candidate for the next one that passes', () => {
    const d = decide({
      ...base,
      candidates: [
        { entryId: 'opposite', similarity: 0.98, queryText: 'How do I disable dark mode?' },
        { entryId: 'ok', similarity: 0.92, queryText: 'How can I turn dark mode on by enabling it?' },
      ],
    });
    expect(d).toMatchObject({ outcome: 'hit', entryId: 'ok', rejectedBy: null });
  });

  it('reports each candidate it reached: the refused one with its guard, one below the threshold untouched', () => {
    const d = decide({
      ...base,
      candidates: [
        { entryId: 'far', similarity: 0.5, queryText: 'What is the capital of France?' },
        { entryId: 'opposite', similarity: 0.98, queryText: 'How do I disable dark mode?' },
        { entryId: 'ok', similarity: 0.92, queryText: 'How can I turn dark mode on by enabling it?' },
      ],
    });
    expect(d.verdicts).toEqual([
      { entryId: 'opposite', similarity: 0.98, probability: null, rejectedBy: 'antonyms' },
      { entryId: 'ok', similarity: 0.92, probability: null, rejectedBy: null },
      { entryId: 'far', similarity: 0.5, probability: null, rejectedBy: null },
    ]);
  });

  it('reports the guard that refused the best candidate when nothing hits', () => {
    const d = decide({
      ...base,
      candidates: [{ entryId: 'opposite', similarity: 0.98, queryText: 'How do I disable dark mode?' }],
    });
    expect(d).toMatchObject({
      outcome: 'miss',
      tier: null,
      entryId: null,
      similarity: 0.98,
      rejectedBy: 'antonyms',
      rejectedEntryId: 'opposite',
    });
    expect(toCacheDecision(d)).toEqual({
      outcome: 'miss',
      tier: null,
      similarity: 0.98,
      threshold: 0.9,
      entry_id: null,
      rejected_by: 'antonyms',
      probability: null,
      target_false_hit_rate: null,
      decision_model: null,
    });
  });

  it('misses below the threshold and reports the nearest similarity', () => {
    const d = decide({
      ...base,
      candidates: [{ entryId: 'e', similarity: 0.89, queryText: 'How do I enable dark mode?' }],
    });
    expect(d).toMatchObject({ outcome: 'miss', similarity: 0.89, rejectedBy: null });
    expect(decide({ ...base, candidates: [] })).toMatchObject({ outcome: 'miss', similarity: null });
  });

  it('applies only the guards it is given', () => {
    const d = decide({
      ...base,
      guards: [],
      candidates: [{ entryId: 'opposite', similarity: 0.98, queryText: 'How do I disable dark mode?' }],
    });
    expect(d).toMatchObject({ outcome: 'hit', entryId: 'opposite' });
  });
});
