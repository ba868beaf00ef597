FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# A young generation of 64 MB per semi-space: replays (projection catch-up, rebuilds, as-of,
# verification) allocate an event object per event, and the default makes the collector run
# far too often (replay 240k -> 310k events/s; docs/BENCHMARKS.md). Costs ~130 MB more at most.
ENV NODE_OPTIONS=--max-semi-space-size=64
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
EXPOSE 3000
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
