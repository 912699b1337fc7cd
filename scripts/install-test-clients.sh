#!/usr/bin/env bash
# Installs the Debian packages of the real S3 clients the tests drive, if any is missing: the AWS CLI, s3cmd,
# rclone, boto3, curl, and chromium (the browser that submits PostObject forms through Playwright).
set -euo pipefail
need=()
[ -x /usr/bin/aws ] || need+=(awscli)
command -v s3cmd >/dev/null || need+=(s3cmd)
command -v rclone >/dev/null || need+=(rclone)
/usr/bin/python3 -c "import boto3" 2>/dev/null || need+=(python3-boto3)
[ -x /usr/bin/curl ] || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing test clients: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
