#!/usr/bin/env bash
# A SoundHub release: the image is built once, pushed to ECR tagged with the commit it was
# built from, and every instance pulls that image (README.md, Deploy). Elastic Beanstalk's
# other path, building the Dockerfile on each instance at each deploy, is for trying the
# bundle locally only: its docker build is cut off after a fixed 300 s, and each instance
# would build its own, different image.
#
#   scripts/release-image.sh pin
#       Resolves node:24-bookworm-slim to its digest (docker/base-image) and records the
#       checksum of Amazon RDS's CA bundle (docker/rds-global-bundle.pem.sha256). Review the
#       diff and commit it; run again when you choose to move to a newer base image or bundle.
#   scripts/release-image.sh release
#       Builds the committed tree with the pinned base image, pushes
#       <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<git sha> (once: an existing tag
#       is reused), then writes the bundle below.
#   scripts/release-image.sh bundle <image-uri>
#       Writes the source bundle for an image already pushed: .release/<name>/ with
#       Dockerrun.aws.json naming the image, .ebextensions/ and .platform/; no Dockerfile, so
#       the instances pull instead of building. Deploy it with
#       `eb deploy <environment> --archive .release/<name> --label <name>`.
#
# Environment: AWS_REGION (release), ECR_REPOSITORY (default soundhub), IMAGE_PLATFORM
# (default linux/amd64: the instance type's architecture; linux/arm64 for Graviton),
# RELEASE_DIR (default .release). Needs git, jq; release also docker (buildx) and the AWS CLI;
# pin also curl.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_TAG=node:24-bookworm-slim
BASE_FILE=docker/base-image
CA_URL=https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
CA_SUM_FILE=docker/rds-global-bundle.pem.sha256
RELEASE_DIR=${RELEASE_DIR:-.release}

die() {
  echo "release-image: $*" >&2
  exit 1
}

pin() {
  local digest tmp
  digest=$(docker buildx imagetools inspect "$BASE_TAG" --format '{{json .Manifest}}' | jq -r .digest)
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "could not resolve $BASE_TAG to a digest (got '$digest')"
  echo "$BASE_TAG@$digest" >"$BASE_FILE"

  tmp=$(mktemp)
  curl -fsSL --proto '=https' "$CA_URL" -o "$tmp"
  grep -q 'BEGIN CERTIFICATE' "$tmp" || { rm -f "$tmp"; die "$CA_URL did not return a PEM bundle"; }
  # The format `sha256sum -c` reads, run in the folder of the bundle (Dockerfile).
  echo "$(sha256sum "$tmp" | cut -d' ' -f1)  rds-global-bundle.pem" >"$CA_SUM_FILE"
  rm -f "$tmp"

  echo "pinned $(cat "$BASE_FILE")"
  echo "pinned $(cat "$CA_SUM_FILE")"
  git --no-pager diff --stat -- "$BASE_FILE" "$CA_SUM_FILE"
  echo "review and commit these two files, then: $0 release"
}

pinned_base() {
  [[ -s $BASE_FILE && -s $CA_SUM_FILE ]] || die "no pinned base image or CA checksum yet: run '$0 pin', review, commit"
  local base
  base=$(<"$BASE_FILE")
  [[ $base =~ ^[a-z0-9./:_-]+@sha256:[0-9a-f]{64}$ ]] || die "$BASE_FILE must hold image@sha256:<digest>, has '$base'"
  grep -Eq '^[0-9a-f]{64}  rds-global-bundle\.pem$' "$CA_SUM_FILE" || die "$CA_SUM_FILE is not a sha256sum line for rds-global-bundle.pem"
  echo "$base"
}

bundle() {
  local image=$1 name=${2:-} dir
  [[ -n $image ]] || die "usage: $0 bundle <image-uri>"
  name=${name:-${image##*:}}
  dir="$RELEASE_DIR/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  jq --arg image "$image" '. + {Image: {Name: $image, Update: "true"}}' Dockerrun.aws.json >"$dir/Dockerrun.aws.json"
  cp -R .ebextensions .platform "$dir/"
  echo "$dir"
}

release() {
  local base sha repository account registry image
  base=$(pinned_base)
  [[ -z $(git status --porcelain --untracked-files=no) ]] || die "uncommitted changes: the image is tagged with the commit it is built from, commit first"
  : "${AWS_REGION:?set AWS_REGION, e.g. eu-west-1}"
  repository=${ECR_REPOSITORY:-soundhub}
  sha=$(git rev-parse HEAD)
  account=$(aws sts get-caller-identity --query Account --output text)
  registry="$account.dkr.ecr.$AWS_REGION.amazonaws.com"
  image="$registry/$repository:$sha"

  aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$registry" >/dev/null
  if aws ecr describe-images --region "$AWS_REGION" --repository-name "$repository" --image-ids imageTag="$sha" >/dev/null 2>&1; then
    echo "release-image: $image is in ECR already; not rebuilt" >&2
  else
    docker buildx build --platform "${IMAGE_PLATFORM:-linux/amd64}" \
      --build-arg NODE_IMAGE="$base" \
      --label org.opencontainers.image.revision="$sha" \
      --label org.opencontainers.image.base.name="$base" \
      --tag "$image" --push . >&2
  fi
  bundle "$image" "$sha"
}

case "${1:-}" in
  pin) pin ;;
  release) release ;;
  bundle) bundle "${2:-}" "${3:-}" ;;
  *) die "usage: $0 pin | release | bundle <image-uri> [name]" ;;
esac
