import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The HMAC secret of local use (gateway on loopback, embedded mode): public, so it protects
 * nothing; every other deployment must set `DEJA_KEY_SECRET`.
 */
export const DEVELOPMENT_KEY_SECRET = 'deja-local-development-key-secret';

/**
 * API keys are stored as HMAC-SHA256 digests under a server secret: a leaked table does not give
 * usable keys, and lookups stay an index hit (keys are random, so no per-key salt is needed).
 */
export function hashApiKey(secret: string, key: string): string {
  return createHmac('sha256', secret).update(key, 'utf8').digest('hex');
}

/** A new random key: `dj_` + 32 random bytes, base64url. Shown once, never stored in clear. */
export function generateApiKey(): string {
  return `dj_${randomBytes(32).toString('base64url')}`;
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && ab.length > 0 && timingSafeEqual(ab, bb);
}

/** The presented key: `Authorization: Bearer <key>` or Anthropic's `x-api-key`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  const a = Array.isArray(auth) ? auth[0] : auth;
  if (a) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(a);
    if (m) return m[1];
  }
  const x = headers['x-api-key'];
  const k = Array.isArray(x) ? x[0] : x;
  return k?.trim() || undefined;
}
