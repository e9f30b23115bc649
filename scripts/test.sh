#!/usr/bin/env bash
# The whole test suite, as the README and CI run it:
#   1. installs dependencies when node_modules is missing;
#   2. brings up the local infrastructure (Kafka, Postgres+pgvector, Jaeger) unless it already runs,
#      and installs Debian's chromium for the console's browser tests when it is missing;
#   3. type-checks, lints (zero warnings) and builds;
#   4. runs the unit tests, then the integration tests against the real services.
# It ends with one line "Tests: N passed, N failed" summing both Jest projects.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [ ! -d node_modules ]; then
  step "installing dependencies (npm ci)"
  npm ci
fi

step "local infrastructure"
bash deploy/local/up

if [ -x scripts/setup-model.sh ]; then
  step "embedding model"
  bash scripts/setup-model.sh
fi

step "browser for the console tests"
bash scripts/setup-browser.sh

step "type check"
npx tsc -p tsconfig.json --noEmit

step "lint"
npx prettier --check . --log-level warn || { echo "prettier: run npm run format and commit"; exit 1; }
npx nx run-many -t lint --output-style=static --skip-nx-cache >/dev/null 2>tmp-lint.log || { cat tmp-lint.log; npx nx run-many -t lint --output-style=static --skip-nx-cache; exit 1; }
rm -f tmp-lint.log

step "build"
npm run build

mkdir -p tmp
status=0
step "unit tests"
npx jest --selectProjects unit --json --outputFile=tmp/jest-unit.json || status=1
step "integration tests"
NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning" npx jest --selectProjects integration --runInBand --json --outputFile=tmp/jest-integration.json || status=1

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const f of ["tmp/jest-unit.json", "tmp/jest-integration.json"]) {
  if (!fs.existsSync(f)) { failed += 1; continue; }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
}
console.log(`\nTests: ${passed} passed, ${failed} failed`);
'
exit $status
