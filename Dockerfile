# syntax=docker/dockerfile:1
# One image for the worker, the API and the one-shot migration; the command picks which.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The whole source (.dockerignore leaves out node_modules, dist, tools, data): tsc follows imports
# across folders, and the build copies the database functions' .sql files into dist/.
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# Two glibc malloc arenas instead of 8 per core: ~80–100 MB less per worker (docs/scale.md).
# Set here (compose runs this image), the worker runs as one process; without it, it starts
# itself again with it (worker/malloc-arenas.ts).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
