#!/bin/sh
# Runs once, when the PostgreSQL data volume is initialised (docker-entrypoint-initdb.d): the
# least-privilege roles of scripts/provision-db.sql with the passwords from auth-platform-secrets.
# To change a password later, run scripts/provision-db.sql again (see the deployment guide).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" -v admin="$POSTGRES_USER" \
  -v identity_migrator_password="$IDENTITY_MIGRATOR_DB_PASSWORD" \
  -v identity_app_password="$IDENTITY_DB_PASSWORD" \
  -v profiles_migrator_password="$PROFILES_MIGRATOR_DB_PASSWORD" \
  -v profiles_app_password="$PROFILES_DB_PASSWORD" \
  -f /provision/provision-db.sql
