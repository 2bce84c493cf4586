# Warden query engine (query-engine/main.ts) for ECS Fargate, arm64. CDK stages this directory
# at synth (no Docker there); `cdk deploy` builds it for linux/arm64.
#
# An esbuild bundle of the TypeScript sources (the repository runs them through tsx, a dev
# dependency, and Node 22 cannot strip their parameter properties), beside the production
# dependencies from the lock file: libpg-query loads its WASM parser from its own package
# directory at run time, so it stays an installed package rather than a bundled one.

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY cdk/bundling.ts cdk/
COPY cdk/query-engine/bundle.ts cdk/query-engine/
COPY shared shared
COPY query-engine query-engine
RUN npx tsx cdk/query-engine/bundle.ts /src/dist/main.mjs

FROM node:22-bookworm-slim
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist dist
COPY cdk/query-engine/entrypoint.sh /usr/local/bin/warden-entrypoint
# The TLS files are written to the task's volume at /run/warden; the root file system is read-only.
RUN mkdir -p /run/warden && chown node:node /run/warden
USER node
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/warden-entrypoint"]
CMD ["node", "dist/main.mjs"]
