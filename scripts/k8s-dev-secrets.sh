#!/usr/bin/env bash
# Writes the dev overlay's secrets (k8s/overlays/dev/secrets.env, gitignored) with random values,
# unless the file exists: `kubectl apply -k k8s/overlays/dev` turns it into auth-platform-secrets.
# Usage: bash scripts/k8s-dev-secrets.sh [output-file]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$ROOT/k8s/overlays/dev/secrets.env}
if [ -e "$out" ]; then echo "k8s-dev-secrets: $out exists, keeping it" >&2; exit 0; fi
rand() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
umask 077
cat >"$out" <<ENV
DB_PASSWORD=$(rand 24)
IDENTITY_DB_PASSWORD=$(rand 24)
IDENTITY_MIGRATOR_DB_PASSWORD=$(rand 24)
PROFILES_DB_PASSWORD=$(rand 24)
PROFILES_MIGRATOR_DB_PASSWORD=$(rand 24)
REDIS_PASSWORD=$(rand 24)
ANON_KEY=anon_$(rand 32)
AUTH_HMAC_SECRET=$(rand 32)
ROOT_ADMIN_PASSWORD=$(rand 24)
SMTP_SETTINGS_KEY=$(rand 32)
SMTP_PASSWORD=
ENV
echo "k8s-dev-secrets: wrote $out" >&2
