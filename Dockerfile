# One Dockerfile for every app. Build context: the repository root.
#   docker build --build-arg APP=gateway -t gateway .      (APP: gateway, orders, inventory, loadgen)
# Every stage up to `build` is the same for all apps, so the four builds (Skaffold's, or
# `npm run images`) share them from the layer cache: one install and one compile for all apps.
# Each image then installs its own production dependencies from its own pruned lockfile.
# No `# syntax=` line: BuildKit would pull that frontend image from Docker Hub, and its built-in
# frontend already reads everything here (RUN --mount=type=cache included).
ARG NODE_VERSION=24.21.0
ARG APP

# Debian bookworm (glibc). Where no registry is reachable, scripts/base-image.mjs makes a stand-in
# under this name (npm run images says so).
FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
WORKDIR /app
# The root package.json's turbo (tests/images checks that they agree).
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm install --global turbo@2.11.11

# turbo prune, per app and for all apps together. --production leaves out workspaces that are only
# devDependencies (the test helper @tracelab/devdb), so neither the compile nor an image sees them.
# Its lockfile still names them in their dependents' devDependencies, where npm would look them up
# in the registry; the full prune's lockfile maps them to their (absent) folders and installs.
# Prune does not carry the root tsconfig.base.json that every package extends.
FROM base AS prune
COPY . .
RUN set -e; prune() { \
      turbo prune "$@" --docker --out-dir /tmp/full >/dev/null; \
      turbo prune "$@" --docker --production --out-dir "$out" >/dev/null; \
      cp /tmp/full/json/package-lock.json "$out/json/"; rm -rf /tmp/full; }; \
    for app in $(ls apps); do out="/out/$app" prune "@tracelab/$app"; rm -rf "/out/$app/full"; done; \
    out=/all prune $(for app in $(ls apps); do echo "@tracelab/$app"; done); \
    cp tsconfig.base.json /all/full/

# Compile once for every app. No install scripts: the compile needs none, and the `node` package's
# would download a second Node binary (npm scripts fall back to the image's own).
FROM base AS build
COPY --from=prune /all/json/ .
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --ignore-scripts
COPY --from=prune /all/full/ .
COPY --from=prune /out/ /out/
# Sort each app's compiled output (dist/ of the workspaces it runs) into /runtime/<app>: no sources, no tests.
# Turbo's cache lives in a BuildKit cache mount: after an edit of one app (skaffold dev), the packages
# whose inputs did not change come back from it instead of being compiled again.
RUN --mount=type=cache,target=/root/.cache/turbo,sharing=locked turbo run build --cache-dir=/root/.cache/turbo --output-logs=errors-only \
 && for manifest in /out/*/json/*/*/package.json; do \
      rel="${manifest#/out/}"; app="${rel%%/*}"; ws="${rel#*/json/}"; ws="${ws%/package.json}"; \
      mkdir -p "/runtime/$app/$ws" && cp -r "$ws/dist" "/runtime/$app/$ws/"; \
    done

# Production dependencies only: no devDependencies, no optional ones (embedded PostgreSQL for
# tests), no install scripts. Rebuilt only when this app's package.json files or lockfile change.
FROM base AS deps
ARG APP
COPY --from=prune /out/${APP}/json/ .
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev --omit=optional --ignore-scripts

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG APP
WORKDIR /app/apps/${APP}
COPY --from=deps /app/ /app/
COPY --from=build /runtime/${APP}/ /app/
# Numeric, so Kubernetes can verify runAsNonRoot without /etc/passwd.
USER 10001:10001

# The three services: tracing starts before any instrumented module loads (packages/tracing/src/register.ts),
# and turns on source maps, so exception stacks name src/*.ts lines from the .js.map files in dist/.
FROM runtime AS service
ENV NODE_ENV=production PORT=8080 NODE_OPTIONS="--require @tracelab/tracing/register"
EXPOSE 8080
CMD ["node", "dist/main.js"]

FROM service AS gateway
FROM service AS orders
FROM service AS inventory

# The load generator, untraced: it is the client. Options come from LOAD_* variables (apps/loadgen/README.md).
FROM runtime AS loadgen
ENV NODE_ENV=production
CMD ["node", "dist/cli.js"]

FROM ${APP}
