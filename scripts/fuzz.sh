#!/usr/bin/env bash
# `npm run fuzz`: the long fuzz run. Property-based requests generated from the OpenAPI documents
# against the e2e stack (the same harness as `npm test`, which runs a short version of it).
# FUZZ_RUNS (default 100) runs per operation and kind; FUZZ_SEED replays a reported failure.
# Like the test suite, use E2E_PORT_OFFSET / E2E_DB_NAME to run beside another stack.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
[ -d node_modules ] || npm install --no-audit --no-fund
FUZZ_RUNS=${FUZZ_RUNS:-100} exec bash scripts/jest.sh e2e --runTestsByPath test/fuzz/openapi-fuzz.e2e-spec.ts "$@"
