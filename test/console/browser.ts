import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (scripts/setup-browser.sh installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts the real browser the console tests drive. A missing browser is a failure that says how
 * to install it, never a skip.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `chromium is missing at ${CHROMIUM_PATH}: run \`bash scripts/setup-browser.sh\` (apt-get install -y chromium; npm test does it) or set CHROMIUM_PATH`,
    );
  }
  // As root (CI, these machines) Chromium refuses its sandbox; the pages are our own.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}
