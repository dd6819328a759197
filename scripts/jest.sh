#!/usr/bin/env bash
# `npm run test:unit` / `npm run test:e2e`: Jest on Node 24 for one tier, with the caller's
# arguments (files, -t 'name', --watch...). The tier goes last: `--selectProjects` takes every
# following word as a project name, so `--selectProjects e2e some.e2e-spec.ts` would have run
# every e2e suite.
# Usage: bash scripts/jest.sh <unit|e2e> [jest args...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
tier=$1; shift
exec node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js \
  "$@" --selectProjects "$tier"
