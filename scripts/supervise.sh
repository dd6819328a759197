#!/usr/bin/env bash
# Keeps one process of `npm run up` running: restarts it whenever it exits, with a backoff (1 s,
# doubling up to SUPERVISE_MAX_BACKOFF seconds; back to 1 s after a run of a minute or more) and a
# loud line, instead of stopping the platform. Output is prefixed with [name] and appended to
# $LOGS/name.log. SIGTERM/SIGINT stop the process (forwarded as SIGTERM) and the supervisor.
# Usage: supervise.sh NAME COMMAND [ARGS...]
# (Compose uses `restart:` policies and Kubernetes restarts pods for the same purpose.)
set -uo pipefail
name=$1; shift
LOGS=${LOGS:-.data/logs}
max=${SUPERVISE_MAX_BACKOFF:-30}
mkdir -p "$LOGS"

child=
stopping=0
# shellcheck disable=SC2317  # invoked by the traps
stop() {
  stopping=1
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
  [ -n "$child" ] && wait "$child" 2>/dev/null
  exit 0
}
trap stop TERM INT

delay=1
while :; do
  started=$SECONDS
  "$@" > >(tee -a "$LOGS/$name.log" | sed -u "s/^/[$name] /") 2>&1 &
  child=$!
  wait "$child"
  rc=$?
  child=
  [ "$stopping" = 1 ] && exit 0
  if [ $((SECONDS - started)) -ge 60 ]; then delay=1; fi
  echo "[$name] !!!!! $name EXITED (code $rc); restarting in ${delay}s !!!!!" | tee -a "$LOGS/$name.log" >&2
  sleep "$delay" & wait $!
  delay=$((delay * 2)); [ "$delay" -gt "$max" ] && delay=$max
done
