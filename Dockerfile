# Image of the worker and the API (see docker-compose.yml, which picks the command). Not built in this repository's
# development environment (no Docker engine there); the build's two steps (tsc with tsconfig.build.json, then
# scripts/build-workflow-bundle.ts, which writes the plain and the traced workflow bundle) are what
# `npx tsc -p tsconfig.build.json` and the bundle script do locally.

# --- Build: compile TypeScript to JavaScript and bundle the workflows once (no webpack at every worker start) ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY activities ./activities
COPY client ./client
COPY common ./common
COPY domain ./domain
COPY integrations ./integrations
COPY workers ./workers
COPY workflows ./workflows
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN npx tsc -p tsconfig.build.json \
  && cp client/openapi.yaml dist/client/ \
  && node dist/scripts/build-workflow-bundle.js dist/workflow-bundle.js

# --- Run: production dependencies and compiled JavaScript, a non-root user, tini as PID 1 ---
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# tini forwards SIGTERM to node and reaps zombies; node is never PID 1.
ENTRYPOINT ["/usr/bin/tini", "--"]
EXPOSE 3000 9464
CMD ["node", "dist/client/main.js"]
