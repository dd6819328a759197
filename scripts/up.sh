#!/usr/bin/env bash
# `npm run up`: the whole platform on one base URL. Ensures PostgreSQL, Redis and nginx, runs each
# app's migrations, builds, starts identity, profiles, the mailer and nginx in front (configured
# from gateway/routes.json into .data/nginx, unprivileged), and stops them on Ctrl-C.
# Each process runs under scripts/supervise.sh: one that exits is restarted (with backoff and a
# loud line), the rest keep serving.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

bash scripts/ensure-services.sh
[ -d node_modules ] || npm install --no-audit --no-fund
# Builds, then migrates each app as its schema's owner (the apps then run as roles that can only
# read and write their own tables: scripts/provision-db.sql).
bash scripts/migrate.sh

export LOGS="$ROOT/.data/logs"
mkdir -p "$LOGS"
pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "stopping..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

start() { # name, command...
  bash scripts/supervise.sh "$@" &
  pids+=($!)
}
start identity env DB_USER=identity_app DB_PASSWORD="${IDENTITY_DB_PASSWORD:-identity_app}" node dist/apps/identity/main.js
start profiles env DB_USER=profiles_app DB_PASSWORD="${PROFILES_DB_PASSWORD:-profiles_app}" node dist/apps/profiles/main.js
start mailer node dist/apps/mailer/main.js
start gateway node gateway/nginx.mjs run

BASE="http://localhost:${GATEWAY_PORT:-8080}"
# Health lives on each app's management port, which the base URL never routes.
if node scripts/wait-ready.mjs --timeout=90 "http://127.0.0.1:${IDENTITY_MANAGEMENT_PORT:-9001}/health/ready" \
  "http://127.0.0.1:${PROFILES_MANAGEMENT_PORT:-9002}/health/ready" "http://127.0.0.1:${MAILER_MANAGEMENT_PORT:-9003}/health/ready" \
  "$BASE/api/auth/public-config"; then
  echo
  echo "auth platform ready at $BASE   (logs: .data/logs; without SMTP_HOST mail lands in ${MAIL_OUTBOX_DIR:-.data/outbox})"
  echo "try: curl $BASE/api/auth/public-config      stop: Ctrl-C"
fi
wait "${pids[@]}" || true
