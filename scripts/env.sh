# Sourced by the scripts: Node 24 on PATH and the variables from .env (if present), so that the
# scripts and the apps they start read the same configuration.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
source "$ROOT/scripts/ensure-node.sh"
if [ -f "$ROOT/.env" ]; then
  set -a
  # shellcheck source=/dev/null
  source "$ROOT/.env"
  set +a
fi
# The apps treat an unset NODE_ENV as production (development secrets refused); the local scripts
# (`npm run up`, `npm run migrate`) are development unless .env or the caller says otherwise.
export NODE_ENV=${NODE_ENV:-development}
