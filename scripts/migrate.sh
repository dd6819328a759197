#!/usr/bin/env bash
# `npm run migrate`: builds the apps, then applies identity's and profiles' pending migrations to
# the database configured by the environment / .env (DB_HOST, DB_PORT, DB_NAME). Each app migrates
# as its schema's owner, <app>_migrator (scripts/provision-db.sql; `npm run up` provisions the
# roles on a local PostgreSQL); the passwords default to the local ones of provision-db.sh. The
# mailer has no database. Apps never migrate at boot; in containers the same step is
# `node dist/apps/<app>/main.js migrate` with the migrator's DB_USER and DB_PASSWORD.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
npm run -s build
DB_USER=identity_migrator DB_PASSWORD="${IDENTITY_MIGRATOR_DB_PASSWORD:-identity_migrator}" \
  node dist/apps/identity/main.js migrate
DB_USER=profiles_migrator DB_PASSWORD="${PROFILES_MIGRATOR_DB_PASSWORD:-profiles_migrator}" \
  node dist/apps/profiles/main.js migrate
