#!/bin/sh
# The container's start (Dockerfile ENTRYPOINT, under tini): check the configuration, render
# nginx.conf, run the migrations once, then become pm2-runtime, which supervises nginx, the
# web processes and the worker (docker/ecosystem.config.cjs). The stack tests run this same
# script with other ports and paths.
set -eu

APP_DIR="${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
export APP_DIR
export NGINX_HOST="${NGINX_HOST:-0.0.0.0}"
export NGINX_PORT="${NGINX_PORT:-80}"
export PORT="${PORT:-3000}"
export HOST="${HOST:-127.0.0.1}"
export MAX_UPLOAD_MB="${MAX_UPLOAD_MB:-200}"
export PUBLIC_DIR="${PUBLIC_DIR:-$APP_DIR/public}"
export RUNTIME_DIR="${RUNTIME_DIR:-/tmp/soundhub}"
export LOG_DIR="${LOG_DIR:-/var/log/soundhub}"
export PM2_HOME="${PM2_HOME:-$RUNTIME_DIR/pm2}"
export NGINX_CONF="$RUNTIME_DIR/nginx.conf"

fail() {
  echo "entrypoint: $*" >&2
  exit 78 # EX_CONFIG
}

# The container never falls back to the embedded PostgreSQL / S3 server of `npm start`:
# an instance with local state would break every other instance behind the load balancer.
[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set (the Deploy section of README.md lists the environment properties)"
[ -n "${S3_BUCKET:-}" ] || fail "S3_BUCKET is not set (the Deploy section of README.md lists the environment properties)"
case "$MAX_UPLOAD_MB" in
  '' | *[!0-9]*) fail "MAX_UPLOAD_MB must be a whole number of megabytes, got '$MAX_UPLOAD_MB'" ;;
esac
# nginx lets the multipart framing and form fields through on top of the file itself, so a
# file just over the limit reaches the app and gets its own clear message.
export NGINX_MAX_BODY_MB=$((MAX_UPLOAD_MB + 8))
# nginx stands in front here: audio bytes go from S3 through nginx, not through Node
# (nginx.conf, location /_media/). AUDIO_VIA_NGINX=false sends them through Node again.
export AUDIO_VIA_NGINX="${AUDIO_VIA_NGINX:-true}"
# nginx resolves the bucket's host itself: the container's DNS server (on EC2 the VPC's),
# in brackets when it is an IPv6 address.
if [ -z "${NGINX_RESOLVER:-}" ]; then
  NGINX_RESOLVER="$(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)"
  case "$NGINX_RESOLVER" in
    *:*) NGINX_RESOLVER="[$NGINX_RESOLVER]" ;;
  esac
fi
[ -n "${NGINX_RESOLVER:-}" ] || fail "no DNS server in /etc/resolv.conf; set NGINX_RESOLVER"
export NGINX_RESOLVER

mkdir -p "$RUNTIME_DIR" "$PM2_HOME"
# Dockerrun.aws.json mounts the host's log folder on LOG_DIR. Should that mount not be
# writable by this user, keep nginx's access log in the runtime folder rather than not start.
if ! mkdir -p "$LOG_DIR" 2>/dev/null || [ ! -w "$LOG_DIR" ]; then
  echo "entrypoint: $LOG_DIR is not writable by uid $(id -u); nginx's access log goes to $RUNTIME_DIR/log" >&2
  LOG_DIR="$RUNTIME_DIR/log"
  mkdir -p "$LOG_DIR"
fi
# Only these names are replaced; nginx's own $variables stay as they are.
# shellcheck disable=SC2016
envsubst '${NGINX_HOST} ${NGINX_PORT} ${PORT} ${PUBLIC_DIR} ${RUNTIME_DIR} ${LOG_DIR} ${NGINX_MAX_BODY_MB} ${NGINX_RESOLVER}' \
  <"$APP_DIR/nginx.conf" >"$NGINX_CONF"
nginx -t -q -e stderr -c "$NGINX_CONF"

# Every instance runs this at start: knex's migration lock makes a second instance wait for
# the first and then find nothing to do. It also validates the whole configuration
# (SESSION_SECRET in production, URLs), so a bad setting stops here with its message.
node "$APP_DIR/dist/src/migrate-cli.js"

exec "$APP_DIR/node_modules/.bin/pm2-runtime" "$APP_DIR/docker/ecosystem.config.cjs"
