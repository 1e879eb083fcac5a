#!/bin/sh
# Dockerrun.aws.json "Logging" mounts this host folder on /var/log/soundhub in the container,
# where nginx (running as the image's user `node`, uid 1000) writes its access log. Let that
# user write it; `eb logs` then bundles the file. (Without this the entrypoint falls back to
# a folder inside the container.)
set -eu
dir=/var/log/eb-docker/containers/eb-current-app
mkdir -p "$dir"
chown 1000:1000 "$dir"
