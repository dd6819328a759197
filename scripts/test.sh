#!/usr/bin/env bash
# `npm test`: type check, lint and format, boundary rules, then every jest test: the unit tier
# (*.spec.ts, no I/O) and the end-to-end tier (test/**/*.e2e-spec.ts) against real PostgreSQL,
# Redis and SMTP with the apps running as separate processes behind the gateway.
# Ends with a plain `N passed, N failed` line.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
[ -d node_modules ] || npm install --no-audit --no-fund

failed_checks=0
check() { # name, command...
  local name=$1; shift
  echo "== $name"
  if "$@"; then echo "ok: $name"; else echo "FAILED: $name"; failed_checks=$((failed_checks + 1)); fi
}
check typecheck npx tsc -p tsconfig.check.json
check lint npx oxlint --deny-warnings apps libs test gateway scripts
check format npx prettier --check --log-level warn "{apps,libs,test,gateway}/**/*.{ts,mjs}"
check boundaries npx depcruise apps libs --config .dependency-cruiser.cjs

echo "== jest (unit, e2e)"
rm -f jest-results.json
node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js \
  --json --outputFile=jest-results.json "$@"
jest_rc=$?

node -e '
const fs = require("fs");
const checks = Number(process.argv[1]);
let p = 0, f = 0, s = 0;
if (fs.existsSync("jest-results.json")) {
  const r = JSON.parse(fs.readFileSync("jest-results.json", "utf8"));
  p = r.numPassedTests; f = r.numFailedTests; s = r.numPendingTests + r.numTodoTests;
  f += r.numRuntimeErrorTestSuites; // a suite that could not run counts as a failure
} else f = 1;
console.log(`${p + 4 - checks} passed, ${f + checks} failed${s ? `, ${s} skipped` : ""}`);
' "$failed_checks"
[ "$jest_rc" -eq 0 ] && [ "$failed_checks" -eq 0 ]
