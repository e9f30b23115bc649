import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { generateApiKey } from '@deja/feature-gateway';

const StoredKeys = z.object({
  api_key: z.string().min(16),
  admin_key: z.string().min(16),
  /** Added after the first releases: generated when a kept file lacks it. */
  signing_key: z.string().min(32).optional(),
});

export interface EmbeddedKeys {
  apiKey: string;
  adminKey: string;
  /** Signs cache entries (the semantic cache refuses entries whose signature does not match). */
  signingKey: string;
  /** Where generated keys are kept; undefined when all came from the environment. */
  file: string | undefined;
}

/**
 * The tenant, admin and entry-signing keys: from the environment when set; otherwise generated
 * on the first start and kept (readable by the owner only) in the data folder, so a restart
 * keeps them — and keeps the cache entries signed with them valid. The gateway stores only the
 * API keys' digests, as it does for keys from the environment.
 */
export function resolveKeys(
  dataDir: string,
  env: { apiKey?: string; adminKey?: string; signingKey?: string },
): EmbeddedKeys {
  if (env.apiKey && env.adminKey && env.signingKey)
    return { apiKey: env.apiKey, adminKey: env.adminKey, signingKey: env.signingKey, file: undefined };
  const file = join(dataDir, 'keys.json');
  const kept = existsSync(file) ? StoredKeys.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  const stored = {
    api_key: kept?.api_key ?? generateApiKey(),
    admin_key: kept?.admin_key ?? generateApiKey(),
    signing_key: kept?.signing_key ?? randomBytes(32).toString('base64url'),
  };
  if (!kept || !kept.signing_key) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    apiKey: env.apiKey ?? stored.api_key,
    adminKey: env.adminKey ?? stored.admin_key,
    signingKey: env.signingKey ?? stored.signing_key,
    file,
  };
}
