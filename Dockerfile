# syntax=docker/dockerfile:1
# One image target per deploy unit (STYLE 11): identity, profiles, mailer, gateway.
#   docker build --target identity -t auth-platform/identity .
# Checked offline by test/deploy/deploy.spec.ts (targets, USER, npm ci, CMD paths); the runtime
# directory each target assembles is rebuilt and started by test/deploy/image-start.e2e-spec.ts.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
# No install-time telemetry or network chatter (Scarf's postinstall reporter, npm's notices).
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    SCARF_ANALYTICS=false

# --- build: every dependency, then one rspack bundle per app ------------------------------------
FROM base AS build
COPY package.json package-lock.json ./
# Exactly the lockfile (it records every platform's optional packages). No install scripts: the
# native modules ship prebuilt binaries, and nothing else needs one.
RUN npm ci --ignore-scripts
COPY . .
RUN npx nest build identity \
 && npx nest build profiles \
 && npx nest build mailer \
 && test -f dist/apps/identity/main.js \
 && test -f dist/apps/profiles/main.js \
 && test -f dist/apps/mailer/main.js \
 && test -f gateway/nginx.mjs

# --- prod-deps: the bundles keep node_modules external, so the runtime needs them ---------------
FROM base AS prod-deps
COPY package.json package-lock.json ./
# typescript arrives only as @nestjs/swagger's optional peer (its build-time plugin): not at runtime.
RUN npm ci --omit=dev --ignore-scripts \
 && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
 && npm cache clean --force

# --- runtime: shared by the four targets --------------------------------------------------------
# Files stay owned by root and the process runs as `node` (1000:1000), so the app cannot modify
# its own code even when the root filesystem is writable. The USER is numeric so that Kubernetes'
# runAsNonRoot can verify it without a pinned runAsUser. package.json is needed at runtime for
# "type": "module" (the bundles are ESM).
FROM ${NODE_IMAGE} AS runtime
# Stack traces point into the TypeScript sources: the bundles ship their source maps.
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
# No package managers at runtime: the base image's npm, npx, corepack and yarn go.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
WORKDIR /app
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
USER 1000:1000

FROM runtime AS identity
COPY --from=build /app/dist/apps/identity ./dist/apps/identity
USER 1000:1000
EXPOSE 3001 9001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.IDENTITY_MANAGEMENT_PORT||9001)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# `node dist/apps/identity/main.js migrate` runs the migrations and exits (compose one-shot, k8s Job).
CMD ["node", "dist/apps/identity/main.js"]

FROM runtime AS profiles
COPY --from=build /app/dist/apps/profiles ./dist/apps/profiles
USER 1000:1000
EXPOSE 3002 9002
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PROFILES_MANAGEMENT_PORT||9002)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/profiles/main.js"]

# The mailer is a BullMQ worker: its only port, 9003, serves /health/* and /metrics.
FROM runtime AS mailer
COPY --from=build /app/dist/apps/mailer ./dist/apps/mailer
USER 1000:1000
EXPOSE 9003
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MAILER_MANAGEMENT_PORT||9003)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/mailer/main.js"]

# Local/compose only: in Kubernetes the Ingress routes by the same table (gateway/routes.json).
# The edge: Debian's nginx (the package's service is never started), configured at container start
# from gateway/routes.json by gateway/nginx.mjs, running unprivileged with its files under /tmp.
FROM runtime AS gateway
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/gateway ./gateway
ENV NGINX_PREFIX=/tmp/nginx
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GATEWAY_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "gateway/nginx.mjs"]
