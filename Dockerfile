# syntax=docker/dockerfile:1
# lattice-gateway-hooks: the Metacontroller hook server for Amazon VPC Lattice.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile TypeScript with the full dependency set.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# 3. The runtime image: compiled code, production modules, a non-root numeric user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    LATTICE_BACKEND=aws \
    PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN chmod 0755 /app/dist/cli.js && ln -s /app/dist/cli.js /usr/local/bin/lattice-gw
# The node image's unprivileged user; numeric so that runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["lattice-gw"]
CMD ["serve"]
