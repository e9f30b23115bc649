#!/usr/bin/env bash
# Installs the browser the console's end-to-end tests drive (test/console): Debian's `chromium`
# package, driven by playwright-core. Playwright's own browser download is never used (the
# machines reach the Debian mirror, not a browser CDN), so the browser comes from apt.
# Idempotent: when chromium is already there, this returns at once.
# Usage: scripts/setup-browser.sh   (CHROMIUM_PATH overrides where the tests look for it)
set -euo pipefail

browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$browser" ]]; then
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "chromium is missing ($browser): install it with 'sudo apt-get install -y chromium'" >&2
  exit 1
fi
echo "installing Debian's chromium for the console tests (apt-get install chromium)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
"$browser" --version
