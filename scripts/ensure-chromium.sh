#!/usr/bin/env bash
# Idempotent: make sure Debian's `chromium` is installed (the browser suite and `npm run mail:preview`
# drive it through playwright-core; test tools never download a browser of their own). Prints its path.
# Env: CHROMIUM_PATH (use this binary instead).
set -euo pipefail
log() { echo "ensure-chromium: $*" >&2; }
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { log "CHROMIUM_PATH=$CHROMIUM_PATH is not executable"; exit 1; }
  echo "$CHROMIUM_PATH"; exit 0
fi
if ! command -v chromium >/dev/null; then
  [ "$(id -u)" = 0 ] || { log "need root to install chromium"; exit 1; }
  log "installing chromium from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  # another apt-get may hold the dpkg lock for a while: wait for it rather than fail
  apt-get update -qq -o DPkg::Lock::Timeout=300
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium fonts-dejavu-core >/dev/null
fi
command -v chromium
