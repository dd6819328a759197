#!/usr/bin/env bash
# `npm run migrate`: builds the apps, then applies identity's and profiles' pending migrations to
# the database configured by the environment / .env (DB_*). The mailer has no database. Apps
# never migrate at boot; in containers the same step is `node dist/apps/<app>/main.js migrate`.
# The role and database must exist (`npm run up` creates them on a local PostgreSQL).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
npm run -s build
for app in identity profiles; do
  echo "migrate: $app"
  node "dist/apps/$app/main.js" migrate
done
