#!/usr/bin/env bash
# Idempotent: make sure PostgreSQL and Redis answer on the configured ports, and that the
# platform's role and database exist. Uses servers that already answer; otherwise installs
# Debian's `postgresql` / `redis-server` (as root) and starts them without systemd.
# Env: DB_HOST DB_PORT DB_USER DB_PASSWORD DB_NAME REDIS_HOST REDIS_PORT (see .env.example).
set -euo pipefail
DB_HOST=${DB_HOST:-127.0.0.1}; DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-auth}; DB_PASSWORD=${DB_PASSWORD:-auth}; DB_NAME=${DB_NAME:-auth}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}; REDIS_PORT=${REDIS_PORT:-6379}

log() { echo "ensure-services: $*" >&2; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
local_host() { case "$1" in 127.*|localhost|::1) return 0;; *) return 1;; esac; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

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
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root to install: ${need[*]}"; exit 1; }
  log "installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
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

# Role and database: first try as the role itself (managed servers, node-svc machines), then as
# the local `postgres` superuser over the socket.
if ! PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" -qAtc 'select 1' >/dev/null 2>&1; then
  if local_host "$DB_HOST" && id postgres >/dev/null 2>&1; then
    as_pg psql -p "$DB_PORT" -qAt -c "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1 \
      || as_pg psql -p "$DB_PORT" -q -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
    as_pg psql -p "$DB_PORT" -qAt -c "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1 \
      || as_pg createdb -p "$DB_PORT" -O "$DB_USER" "$DB_NAME"
  else
    PGPASSWORD="$DB_PASSWORD" createdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$DB_NAME"
  fi
fi
log "postgres://$DB_USER@$DB_HOST:$DB_PORT/$DB_NAME and redis://$REDIS_HOST:$REDIS_PORT ready"
