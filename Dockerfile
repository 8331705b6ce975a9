# syntax=docker/dockerfile:1
# One image for the worker, the API and the one-shot migration; the command picks which.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY config config
COPY infra infra
COPY ledger ledger
COPY orders orders
COPY migrations migrations
COPY workflows workflows
COPY activities activities
COPY worker worker
COPY api api
COPY cli cli
COPY bench bench
COPY console console
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Migrations read the .sql files of ledger functions at run time (migrations/sql-file.ts).
COPY --from=build /app/ledger/sql ./ledger/sql
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
