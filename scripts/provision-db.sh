#!/usr/bin/env bash
# Idempotent: the platform's database and its least-privilege roles (scripts/provision-db.sql):
# identity_migrator/identity_app and profiles_migrator/profiles_app, each app confined to its
# own schema. Used by `npm run up` (through ensure-services.sh), the e2e harness and any other
# PostgreSQL cluster the tests start:  DB_PORT=15433 bash scripts/provision-db.sh
#   --reset   drop the schemas identity and profiles first (test databases only).
# Env: DB_HOST DB_PORT DB_NAME, DB_USER/DB_PASSWORD = the admin role that owns the database, and the
# role passwords IDENTITY_MIGRATOR_DB_PASSWORD IDENTITY_DB_PASSWORD PROFILES_MIGRATOR_DB_PASSWORD
# PROFILES_DB_PASSWORD (see .env.example; the defaults below are for local development only).
# Local server: runs as the `postgres` superuser over the socket (root or sudo). Remote or managed
# server: connects as DB_USER, which then needs CREATEROLE.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DB_HOST=${DB_HOST:-127.0.0.1}; DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-auth}; DB_PASSWORD=${DB_PASSWORD:-auth}; DB_NAME=${DB_NAME:-auth}
reset=0
[ "${1:-}" = --reset ] && reset=1

log() { echo "provision-db: $*" >&2; }
local_host() { case "$1" in 127.*|localhost|::1) return 0;; *) return 1;; esac; }
# Runs as `postgres` from `/`: the checkout may sit in a directory that user cannot enter (/root, a
# mktemp dir), so nothing may depend on the working directory or on reading files of the checkout.
as_pg() { (cd / && if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi); }

if local_host "$DB_HOST" && id postgres >/dev/null 2>&1 && as_pg true 2>/dev/null; then
  admin_psql() { as_pg psql -p "$DB_PORT" -X -v ON_ERROR_STOP=1 -qAt "$@"; }
  # The admin role and its database (a fresh cluster has neither).
  admin_psql -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'" | grep -q 1 \
    || admin_psql -d postgres -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'" \
    || admin_psql -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'" | grep -q 1
  admin_psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1 \
    || as_pg createdb -p "$DB_PORT" -O "$DB_USER" "$DB_NAME" \
    || admin_psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1
else
  admin_psql() { PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -X -v ON_ERROR_STOP=1 -qAt "$@"; }
  admin_psql -d "$DB_NAME" -c 'SELECT 1' >/dev/null 2>&1 \
    || PGPASSWORD="$DB_PASSWORD" createdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$DB_NAME"
fi

if [ "$reset" = 1 ]; then
  case "$DB_NAME" in *_test) ;; *) log "refusing --reset on \"$DB_NAME\": only *_test databases"; exit 1;; esac
  admin_psql -d "$DB_NAME" -c 'DROP SCHEMA IF EXISTS identity CASCADE; DROP SCHEMA IF EXISTS profiles CASCADE;'
fi

provision() {
  admin_psql -d "$DB_NAME" -v db="$DB_NAME" -v admin="$DB_USER" \
    -v identity_migrator_password="${IDENTITY_MIGRATOR_DB_PASSWORD:-identity_migrator}" \
    -v identity_app_password="${IDENTITY_DB_PASSWORD:-identity_app}" \
    -v profiles_migrator_password="${PROFILES_MIGRATOR_DB_PASSWORD:-profiles_migrator}" \
    -v profiles_app_password="${PROFILES_DB_PASSWORD:-profiles_app}" \
    < "$HERE/provision-db.sql" >/dev/null
}
# Roles are shared by every database of the cluster: a concurrent run may create one first.
for attempt in 1 2 3; do
  if provision 2>/tmp/provision-db.$$; then rm -f /tmp/provision-db.$$; break; fi
  if [ "$attempt" = 3 ]; then cat /tmp/provision-db.$$ >&2; rm -f /tmp/provision-db.$$; exit 1; fi
  sleep "$attempt"
done
log "roles identity_migrator, identity_app, profiles_migrator, profiles_app ready in $DB_NAME on $DB_HOST:$DB_PORT"
