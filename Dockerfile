# Image of the worker and the API (see docker-compose.yml, which picks the command). Not built in this repository's
# development environment (no Docker engine there).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, for layer caching. tsx (a runtime dependency) runs the TypeScript directly.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY activities ./activities
COPY client ./client
COPY common ./common
COPY domain ./domain
COPY integrations ./integrations
COPY workers ./workers
COPY workflows ./workflows

USER node
EXPOSE 3000
CMD ["npx", "tsx", "client/main.ts"]
