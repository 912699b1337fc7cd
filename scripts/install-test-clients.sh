#!/usr/bin/env bash
# Installs the Debian packages of the real S3 clients the tests drive, if any is missing: the AWS CLI, s3cmd,
# rclone, boto3, curl, chromium (the browser that submits PostObject forms through Playwright), node and npm.
set -euo pipefail
need=()
[ -x /usr/bin/aws ] || need+=(awscli)
command -v s3cmd >/dev/null || need+=(s3cmd)
command -v rclone >/dev/null || need+=(rclone)
/usr/bin/python3 -c "import boto3" 2>/dev/null || need+=(python3-boto3)
[ -x /usr/bin/curl ] || need+=(curl)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/node ] || need+=(nodejs)
[ -x /usr/bin/npm ] || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing test clients: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The AWS SDK for JavaScript v3, at the versions tests/js-sdk/package.json pins, into tests/js-sdk/node_modules
# (not committed). Nothing to do when every pinned package is already there at its version.
js="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/js-sdk" && pwd)"
if ! node -e '
  const pins = require(process.argv[1] + "/package.json").dependencies;
  for (const [name, version] of Object.entries(pins))
    if (require(process.argv[1] + "/node_modules/" + name + "/package.json").version !== version) process.exit(1);
' "$js" 2>/dev/null; then
  echo "installing the AWS SDK for JavaScript into $js"
  (cd "$js" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null)
fi
