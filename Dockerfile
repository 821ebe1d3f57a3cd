# syntax=docker/dockerfile:1
# Cairn collector image: build in one stage, run with production dependencies only, as the
# unprivileged `node` user, with a health check. Production mode is on: the collector refuses
# to start without sources (CAIRN_CONFIG or CAIRN_SOURCES) and an admin token
# (CAIRN_ADMIN_TOKEN). See examples/self-hosted/ and docs/operations.md.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/browser/package.json packages/browser/
COPY packages/collector/package.json packages/collector/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY packages/protocol packages/protocol
COPY packages/collector packages/collector
RUN npm run build -w @cairn/protocol -w @cairn/collector \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    CAIRN_DB=/data/cairn.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/protocol/package.json packages/protocol/
COPY --from=build /app/packages/protocol/dist packages/protocol/dist
COPY --from=build /app/packages/collector/package.json packages/collector/
COPY --from=build /app/packages/collector/dist packages/collector/dist
# The SQLite file (when no DATABASE_URL is set) lives on a volume the node user owns.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8787
# Liveness only (/healthz); load balancers should route on /readyz (store reachable, writer
# keeping up). Node 20 has fetch built in, so the image needs no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: stop accepting, finish in-flight requests,
# commit, exit 0. Give it more than --shutdown-timeout (default 10 s) in your orchestrator.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "packages/collector/dist/cli.js"]
