#!/usr/bin/env bash
# `npm run mail:preview`: every mail template as PNG (375 and 600 px, light and dark) in
# docs/mail-previews/. Bundles scripts/mail-preview.ts with esbuild (tsconfig paths, the mailer's
# real renderer) into .data, then runs it on Node 24 against Debian's chromium.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
mkdir -p .data
npx esbuild scripts/mail-preview.ts --bundle --platform=node --format=esm --target=node24 \
  --packages=external --tsconfig=tsconfig.json --log-level=warning --outfile=.data/mail-preview.mjs
ROOT="$ROOT" node .data/mail-preview.mjs
