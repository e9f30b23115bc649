import type { NamespaceOverrides } from '@deja/util-cache-policy';
import { effectivePolicy, mergeSettings, settingsIssues } from './namespace-settings';

const none: NamespaceOverrides = {
  threshold: null,
  targetFalseHitRate: null,
  minThreshold: null,
  maxThreshold: null,
  ttlSeconds: null,
  slidingTtl: null,
};

describe('namespace settings from the console', () => {
  it('keeps a field that is left out, clears one that is null, sets one that has a value', () => {
    const stored = { ...none, threshold: 0.9, ttlSeconds: 3600 };
    expect(mergeSettings(stored, { threshold: null, target_false_hit_rate: 0.05 })).toEqual({
      ...none,
      threshold: null,
      targetFalseHitRate: 0.05,
      ttlSeconds: 3600,
    });
  });

  it('names the field of each out-of-bounds value, with the pipeline’s own message', () => {
    expect(settingsIssues(none, { threshold: 0.5, ttl_seconds: 0, target_false_hit_rate: 0.02 })).toEqual([
      { path: 'threshold', message: 'threshold 0.5 is outside [0.85, 1]' },
      { path: 'ttl_seconds', message: 'ttlSeconds must be a positive integer, got 0' },
    ]);
    expect(settingsIssues(none, { target_false_hit_rate: 0.5 })).toEqual([
      { path: 'target_false_hit_rate', message: 'targetFalseHitRate 0.5 is outside [0.005, 0.2]' },
    ]);
  });

  it('accepts values within the bounds, and a threshold switches the namespace to the threshold rule', () => {
    expect(settingsIssues(none, { threshold: 1, ttl_seconds: 60 })).toEqual([]);
    expect(effectivePolicy(mergeSettings(none, { threshold: 1 }))?.rule).toBe('threshold');
    expect(effectivePolicy(none)?.rule).toBe('learned');
  });

  it('reports a stored namespace whose overrides are inconsistent as having no policy', () => {
    expect(effectivePolicy({ ...none, threshold: 0.5 })).toBeUndefined();
  });
});
