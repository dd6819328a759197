#!/usr/bin/env bash
# Idempotent: make sure PostgreSQL and Redis answer on the configured ports, that the platform's
# database and roles exist (scripts/provision-db.sh), and that nginx (the local edge) is installed.
# Uses servers that already answer; otherwise installs Debian's `postgresql` / `redis-server` /
# `nginx-light` (as root) and starts the data stores without systemd. nginx is never started here
# (nor by the package: see policy-rc.d below); `npm run up` and the e2e harness run their own.
# Env: DB_HOST DB_PORT DB_USER DB_PASSWORD DB_NAME REDIS_HOST REDIS_PORT (see .env.example).
set -euo pipefail
DB_HOST=${DB_HOST:-127.0.0.1}; DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-auth}; DB_PASSWORD=${DB_PASSWORD:-auth}; DB_NAME=${DB_NAME:-auth}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}; REDIS_PORT=${REDIS_PORT:-6379}

log() { echo "ensure-services: $*" >&2; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
local_host() { case "$1" in 127.*|localhost|::1) return 0;; *) return 1;; esac; }

need=()
if ! listening "$DB_HOST" "$DB_PORT"; then
  local_host "$DB_HOST" || { log "PostgreSQL at $DB_HOST:$DB_PORT does not answer (and is not local)"; exit 1; }
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
fi
if ! listening "$REDIS_HOST" "$REDIS_PORT"; then
  local_host "$REDIS_HOST" || { log "Redis at $REDIS_HOST:$REDIS_PORT does not answer (and is not local)"; exit 1; }
  command -v redis-server >/dev/null || need+=(redis-server)
fi
command -v redis-cli >/dev/null || need+=(redis-tools)
# The test suite runs its own Redis (it stops and starts it), so it needs the server binary.
if [ "${ENSURE_REDIS_BINARY:-0}" = 1 ] && ! command -v redis-server >/dev/null; then need+=(redis-server); fi
command -v psql >/dev/null || need+=(postgresql-client)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root to install: ${need[*]}"; exit 1; }
  log "installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Packages must not start services (a system nginx on port 80, as root): deny it for the install
  # unless the machine already has its own policy.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    own_policy=1
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  fi
  apt-get install -y -qq "${need[@]}" >/dev/null
  if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

if ! listening "$DB_HOST" "$DB_PORT"; then
  v=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$v main"; then
    pg_createcluster "$v" main -p "$DB_PORT" >/dev/null
  fi
  log "starting PostgreSQL $v on port $DB_PORT"
  pg_ctlcluster --skip-systemctl-redirect "$v" main start
fi
for _ in $(seq 150); do pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && break; sleep 0.1; done
pg_isready -q -h "$DB_HOST" -p "$DB_PORT" || { log "PostgreSQL did not become ready"; exit 1; }

if ! listening "$REDIS_HOST" "$REDIS_PORT"; then
  log "starting Redis on port $REDIS_PORT"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --save '' --appendonly no --dir /var/lib/redis --logfile "/var/log/redis/redis-$REDIS_PORT.log"
fi
for _ in $(seq 100); do [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] || { log "Redis did not answer"; exit 1; }

# The database, its admin role and the least-privilege roles each app connects as.
bash "$(dirname "${BASH_SOURCE[0]}")/provision-db.sh"
log "postgres://$DB_USER@$DB_HOST:$DB_PORT/$DB_NAME and redis://$REDIS_HOST:$REDIS_PORT ready"
