#!/bin/sh
# nginx in the foreground, for pm2 (docker/ecosystem.config.cjs). pm2 stops every app with
# SIGINT, which nginx takes as "fast shutdown": requests in flight, a long upload included,
# are cut off. This wrapper turns SIGINT/SIGTERM into SIGQUIT, nginx's graceful stop (stop
# accepting, finish what is in flight, exit), and passes SIGHUP on as a reload.
set -u
nginx -e stderr -c "${NGINX_CONF:?NGINX_CONF names the rendered config}" -g 'daemon off;' &
pid=$!
trap 'kill -QUIT "$pid" 2>/dev/null' INT TERM
trap 'kill -HUP "$pid" 2>/dev/null' HUP
status=0
while :; do
  wait "$pid"
  status=$?
  # wait returns early when a trapped signal arrives; go on waiting while nginx drains.
  kill -0 "$pid" 2>/dev/null || break
done
exit "$status"
