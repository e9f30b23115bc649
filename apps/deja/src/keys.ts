import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { generateApiKey } from '@deja/feature-gateway';

const StoredKeys = z.object({ api_key: z.string().min(16), admin_key: z.string().min(16) });

export interface EmbeddedKeys {
  apiKey: string;
  adminKey: string;
  /** Where generated keys are kept; undefined when both came from the environment. */
  file: string | undefined;
}

/**
 * The tenant and admin keys: from DEJA_API_KEY / DEJA_ADMIN_KEY when set; otherwise generated on
 * the first start and kept (readable by the owner only) in the data folder, so a restart keeps
 * them. The gateway stores only their digests, as it does for keys from the environment.
 */
export function resolveKeys(dataDir: string, env: { apiKey?: string; adminKey?: string }): EmbeddedKeys {
  if (env.apiKey && env.adminKey) return { apiKey: env.apiKey, adminKey: env.adminKey, file: undefined };
  const file = join(dataDir, 'keys.json');
  let stored: z.infer<typeof StoredKeys>;
  if (existsSync(file)) {
    stored = StoredKeys.parse(JSON.parse(readFileSync(file, 'utf8')));
  } else {
    mkdirSync(dataDir, { recursive: true });
    stored = { api_key: generateApiKey(), admin_key: generateApiKey() };
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { apiKey: env.apiKey ?? stored.api_key, adminKey: env.adminKey ?? stored.admin_key, file };
}
