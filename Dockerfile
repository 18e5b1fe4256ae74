# syntax=docker/dockerfile:1
# lattice-gateway-hooks: the Metacontroller hook server for Amazon VPC Lattice.
#   docker build -t <registry>/lattice-gateway-hooks:<version> .
# The chart (charts/lattice-gateway-hooks) and metacontroller/ run it as user 1000 with a
# read-only root filesystem; it needs nothing writable. Pin NODE_IMAGE by digest in release builds.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile TypeScript with the full dependency set. No install script is needed to compile.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# .npmrc: the lock file is made with legacy-peer-deps (a dev tool's unused peer left out), and
# npm ci refuses a lock file made otherwise.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only. --ignore-scripts: no runtime dependency needs an install
# script, and it keeps a future `prepare` script (which expects dev tools) from running here.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# 3. The runtime image: compiled code, production modules, a non-root numeric user.
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="lattice-gateway-hooks" \
      org.opencontainers.image.description="Kubernetes Gateway API for Amazon VPC Lattice as Metacontroller hooks" \
      org.opencontainers.image.licenses="Apache-2.0"
# AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the SDK is pinned to releases that support
# Node.js 20; its notice would break the JSON log stream (the CLI sets it too, this is for any entry).
ENV NODE_ENV=production \
    LATTICE_BACKEND=aws \
    PORT=8080 \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# npm, npx, corepack and yarn are never used at run time: leave them (and their advisories) out.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
WORKDIR /app
# Owned by root and world-readable (0644/0755 from the build stages): user 1000 can read and
# execute everything and write nothing.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN chmod 0755 /app/dist/cli.js && ln -s /app/dist/cli.js /usr/local/bin/lattice-gw
# The node image's unprivileged user; numeric so that runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# Kubernetes probes /healthz and /readyz; no HEALTHCHECK. Node is PID 1 and handles SIGTERM itself
# (lattice-gw serve finishes in-flight hooks within SHUTDOWN_GRACE_MS).
ENTRYPOINT ["lattice-gw"]
CMD ["serve"]
