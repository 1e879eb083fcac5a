#!/bin/sh
# The instance metadata service (IMDS): version 2 only (a session token first, which a
# server-side request forgery cannot obtain), with a hop limit of 2 so that the token's reply
# still reaches a process in the container, one network hop further than the host: that is
# how the AWS SDK in the app gets the instance role's credentials. The launch settings
# (DisableIMDSv1 in .ebextensions/01-environment.config) make tokens required; the hop limit
# has no Elastic Beanstalk option, and a launch template may leave it at 1, so it is set here
# on every deploy, before the container starts. Needs ec2:ModifyInstanceMetadataOptions on
# the environment's own instances (deploy/instance-role-policy.json).
set -eu
imds=http://169.254.169.254
token=$(curl -sSf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$imds/latest/api/token")
meta() { curl -sSf -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/$1"; }
instance=$(meta instance-id)
region=$(meta placement/region)
aws ec2 modify-instance-metadata-options --region "$region" --instance-id "$instance" \
  --http-endpoint enabled --http-tokens required --http-put-response-hop-limit 2 >/dev/null
echo "imds: $instance requires tokens, hop limit 2"
