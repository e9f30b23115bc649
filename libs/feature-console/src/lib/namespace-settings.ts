import { z } from 'zod';
import type { NamespaceRow } from '@deja/data-access-cache';
import {
  CachePolicyException,
  DEFAULT_NAMESPACE_POLICY,
  namespacePolicy,
  type NamespaceOverrides,
  type NamespacePolicy,
} from '@deja/util-cache-policy';
import type { ErrorIssue } from '@deja/feature-gateway';

/**
 * A namespace settings change from the console: each field absent keeps the stored value, `null`
 * clears it back to the service default, a value overrides it. Setting `threshold` switches the
 * namespace to the raw cosine rule (an expert's choice); clearing it returns to the learned rule.
 */
export const NamespaceSettingsBody = z
  .object({
    tenant: z.string().optional(),
    threshold: z.number().nullable().optional(),
    target_false_hit_rate: z.number().nullable().optional(),
    ttl_seconds: z.number().int().nullable().optional(),
  })
  .strict();
export type NamespaceSettingsBody = z.infer<typeof NamespaceSettingsBody>;

/** The editable fields by their API name, with the policy override each one sets. */
const FIELDS = {
  threshold: 'threshold',
  target_false_hit_rate: 'targetFalseHitRate',
  ttl_seconds: 'ttlSeconds',
} as const satisfies Record<string, keyof NamespaceOverrides>;

/** The stored overrides with the change applied. */
export function mergeSettings(stored: NamespaceOverrides, change: NamespaceSettingsBody): NamespaceOverrides {
  const merged = { ...stored };
  for (const [field, key] of Object.entries(FIELDS) as Array<
    [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]]
  >) {
    const value = change[field];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * The same validation the pipeline applies when it loads a namespace (`namespacePolicy`), run
 * once per changed field so each problem is reported next to the field that caused it, then
 * once for the whole change. Empty when the change is valid.
 */
export function settingsIssues(
  stored: NamespaceOverrides,
  change: NamespaceSettingsBody,
  defaults: NamespacePolicy = DEFAULT_NAMESPACE_POLICY,
): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  for (const field of Object.keys(FIELDS) as Array<keyof typeof FIELDS>) {
    if (change[field] === undefined) continue;
    const problem = policyProblem(mergeSettings(stored, { [field]: change[field] }), defaults);
    if (problem) issues.push({ path: field, message: problem });
  }
  if (issues.length > 0) return issues;
  const whole = policyProblem(mergeSettings(stored, change), defaults);
  return whole ? [{ path: '(body)', message: whole }] : [];
}

/** The effective policy of a stored namespace, or undefined when its stored overrides are inconsistent. */
export function effectivePolicy(row: NamespaceOverrides): NamespacePolicy | undefined {
  try {
    return namespacePolicy(row, DEFAULT_NAMESPACE_POLICY);
  } catch (error) {
    if (error instanceof CachePolicyException) return undefined;
    throw error;
  }
}

/** The overrides part of a stored namespace row. */
export function overridesOf(row: NamespaceRow): NamespaceOverrides {
  const { version: _version, ...overrides } = row;
  return overrides;
}

function policyProblem(overrides: NamespaceOverrides, defaults: NamespacePolicy): string | undefined {
  try {
    namespacePolicy(overrides, defaults);
    return undefined;
  } catch (error) {
    if (error instanceof CachePolicyException) return error.message.replace(/^invalid namespace policy: /, '');
    throw error;
  }
}
