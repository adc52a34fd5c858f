#!/usr/bin/env bash
# What `npm test` does before vitest: provision the tools the tests take their expected values and
# their engine from (scripts/setup-php.sh, scripts/setup-pulumi.sh), and type-check, lint and build
# the code. On a fresh machine the engine's build is minutes of downloads and compiles; the checks
# run meanwhile, and a failing check stops everything at once.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each background job in its own process group, so that stopping it stops the builds it started.
set -m

bash scripts/setup-php.sh &
php=$!
bash scripts/setup-pulumi.sh >/dev/null &
engine=$!
stop_tools() { kill -- "-$php" "-$engine" 2>/dev/null || true; }

if ! { npm run typecheck && npm run lint && npm run build; }; then
  stop_tools
  exit 1
fi
wait "$php" || exit 1
wait "$engine" || exit 1
