#!/usr/bin/env bash
# Runs one command with the project's toolchain: Node 24 first on PATH (fetched once if the
# machine's node is older, see scripts/ensure-node.sh) and the variables from .env. Every npm
# script goes through it, so `npm run <anything>` works the same on a machine whose node is 20.
# Usage: bash scripts/run.sh <command> [args...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
exec "$@"
