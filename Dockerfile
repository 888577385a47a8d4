# Portcullis: build with the toolchain, run on a slim image as an unprivileged user.
#   docker build -t portcullis .
#   docker run -p 8080:8080 -e PORTCULLIS_SECRET=… -e PORTCULLIS_DATABASE_URL=postgres://… portcullis

# --- build: compile the native SQLite driver and the TypeScript sources -------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The project's .npmrc points node-gyp at Debian's headers (/usr); the official image keeps
# them under /usr/local. Environment settings win over .npmrc.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# `npm ci` runs `prepare`, which compiles src/ to dist/. Optional packages stay: the TypeScript
# compiler and the argon2 binary come from them.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime ----------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORTCULLIS_HOST=0.0.0.0 \
    PORTCULLIS_PORT=8080 \
    PORTCULLIS_DATA_DIR=/var/lib/portcullis \
    PORTCULLIS_DATABASE_URL=sqlite:/var/lib/portcullis/portcullis.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
RUN mkdir -p /var/lib/portcullis && chown node:node /var/lib/portcullis
USER node
VOLUME ["/var/lib/portcullis"]
EXPOSE 8080
# Ready means the database (and Redis, when configured) answers: /readyz, not just /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORTCULLIS_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself: in-flight requests finish, then it exits 0.
CMD ["node", "dist/main.js"]
