#!/usr/bin/env bash
# `npm run bench`: throughput and latency of the platform on this machine (see bench/README.md).
# Ensures PostgreSQL and Redis (as `npm run up` does), uses its own database `auth_bench` (schemas
# dropped and migrated afresh) and its own Redis on a bench-only port, builds the apps, then runs
# bench/run.mjs, which starts the apps and the gateway on bench-only ports, measures, and writes
# bench/results/latest.{json,md}. Everything it starts is stopped on exit, failure or Ctrl-C.
# Env (optional): BENCH_PORT_BASE (29000), BENCH_DURATION (8), BENCH_WARMUP (1), BENCH_CONNECTIONS
# (50), BENCH_PASSWORD_CONNECTIONS (16), BENCH_MAIL_MESSAGES (600), BENCH_PIN (1; split; 0 = none),
# BENCH_SKIP_BUILD (0), BENCH_GENERATOR (wrk; autocannon), BENCH_DB_NAME (auth_bench), BENCH_ONLY,
# BENCH_DIRECTORY_USERS (100000), PASSWORD_ARGON2_* (the configured cost), BENCH_SCRIPT (bench/run.mjs;
# `npm run soak` sets bench/soak.mjs, with SOAK_SECONDS, SOAK_RATE, SOAK_SAMPLE_SECONDS, SOAK_USERS).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

log() { echo "[bench] $*"; }
die() { echo "[bench] $*" >&2; exit 1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The bench never uses the dev or test data: its own database (BENCH_DB_NAME, ending in _bench, so
# that two checkouts on one server can run at once) and its own Redis.
export DB_NAME=${BENCH_DB_NAME:-auth_bench}
case "$DB_NAME" in *_bench) ;; *) die "BENCH_DB_NAME must end in _bench";; esac
export BENCH_PORT_BASE=${BENCH_PORT_BASE:-29000}
BENCH_REDIS_PORT=$((BENCH_PORT_BASE + 79))
DATA="$ROOT/.data/bench"
LOGS="$DATA/logs"
mkdir -p "$LOGS" "$DATA/redis"

exec 9>"$DATA/lock"
flock -n 9 || die "another bench run holds $DATA/lock"

redis_started=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Anything the runner started and left behind (it stops them itself unless it was killed).
  if [ -s "$DATA/pids" ]; then
    while read -r pid; do
      [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
      if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE 'dist/apps/|gateway/nginx\.mjs|mail-sink\.mjs|bench/lib/'; then
        kill -TERM "$pid" 2>/dev/null || true
      fi
    done <"$DATA/pids"
    sleep 1
    while read -r pid; do
      [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
      # the whole process group: the edge's nginx is a child of gateway/nginx.mjs
      tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE 'dist/apps/|gateway/nginx\.mjs|mail-sink\.mjs|bench/lib/' && kill -KILL -- "-$pid" 2>/dev/null || true
    done <"$DATA/pids"
    : >"$DATA/pids"
  fi
  if [ "$redis_started" = 1 ]; then
    redis-cli -p "$BENCH_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for port in 1 2 3 4 25 26 79 80 90; do
  listening $((BENCH_PORT_BASE + port)) && die "port $((BENCH_PORT_BASE + port)) is in use (another bench, or set BENCH_PORT_BASE)"
done

log "services: PostgreSQL (database $DB_NAME) and Redis"
# wrk (C) loads the fast endpoints; without it (and without root to install it) the runner falls
# back to autocannon there and says so in the report.
if [ "${BENCH_GENERATOR:-wrk}" = wrk ] && ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's wrk (the load generator for the fast endpoints)"
    { apt-get update -qq -o DPkg::Lock::Timeout=300 && apt-get install -y -qq -o DPkg::Lock::Timeout=300 wrk; } >/dev/null \
      || log "could not install wrk: autocannon loads every endpoint"
  else
    log "wrk is not installed: autocannon loads every endpoint (apt-get install wrk for lower generator cost)"
  fi
fi
# 9>&-: the PostgreSQL and Redis it may start outlive this run and must not hold its lock.
ENSURE_REDIS_BINARY=1 bash scripts/ensure-services.sh 9>&-

log "Redis of its own on 127.0.0.1:$BENCH_REDIS_PORT"
redis-server --port "$BENCH_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$DATA/redis" --pidfile "$DATA/redis/redis.pid" --logfile "$LOGS/redis.log" 9>&-
redis_started=1
for _ in $(seq 100); do [ "$(redis-cli -p "$BENCH_REDIS_PORT" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
[ "$(redis-cli -p "$BENCH_REDIS_PORT" ping 2>/dev/null)" = PONG ] || die "bench Redis did not answer (see $LOGS/redis.log)"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f dist/apps/identity/main.js ]; then
  log "build: identity, profiles, mailer"
  for app in identity profiles mailer; do
    node node_modules/@nestjs/cli/bin/nest.js build "$app" >"$LOGS/build-$app.log" 2>&1 || die "nest build $app failed (see $LOGS/build-$app.log)"
  done
fi

log "database $DB_NAME: fresh schemas, migrations"
PGPASSWORD=${DB_PASSWORD:-auth} PGOPTIONS='-c client_min_messages=warning' \
  psql -h "${DB_HOST:-127.0.0.1}" -p "${DB_PORT:-5432}" -U "${DB_USER:-auth}" -d "$DB_NAME" -v ON_ERROR_STOP=1 \
  -qc 'DROP SCHEMA IF EXISTS identity CASCADE; DROP SCHEMA IF EXISTS profiles CASCADE;' >/dev/null
for app in identity profiles; do
  REDIS_PORT=$BENCH_REDIS_PORT LOG_LEVEL=warn node "dist/apps/$app/main.js" migrate >"$LOGS/migrate-$app.log" 2>&1 \
    || die "migrations of $app failed (see $LOGS/migrate-$app.log)"
done

# Pinning: the load generator (the runner) on the last CPU; the servers on all CPUs (default: argon2
# needs every core), or on the others only with BENCH_PIN=split; BENCH_PIN=0: no pinning.
runner=(node)
cores=$(nproc)
if [ "${BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then
  export BENCH_LOADGEN_CPU=$((cores - 1)) BENCH_SERVER_CPUS="0-$((cores - 1))"
  [ "${BENCH_PIN:-1}" = split ] && BENCH_SERVER_CPUS="0-$((cores - 2))"
  runner=(taskset -c "$BENCH_LOADGEN_CPU" node)
else
  unset BENCH_LOADGEN_CPU BENCH_SERVER_CPUS
fi
: >"$DATA/pids"
# BENCH_SCRIPT: the runner, bench/run.mjs (the bench) or bench/soak.mjs (`npm run soak`).
script=${BENCH_SCRIPT:-bench/run.mjs}
case "$script" in bench/run.mjs) log "measuring (about 3 minutes)" ;; bench/soak.mjs) log "soak: ${SOAK_SECONDS:-600} s of mixed load" ;; *) die "unknown BENCH_SCRIPT $script" ;; esac
"${runner[@]}" "$script"
