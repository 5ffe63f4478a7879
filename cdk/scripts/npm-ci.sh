#!/usr/bin/env bash
# Installs cdk/'s npm packages (the CDK CLI, cdk-nag, the cfn-guard binary and rules) when they are missing or
# the lock file changed since the last install. Used by synth.sh and by the tests that run cdk/scripts/*.mjs.
set -euo pipefail
cdk_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One install at a time per checkout: the synth and guard tests may ask at once.
exec 9>"${TMPDIR:-/tmp}/bookingaws-cdk-npm-ci-$(printf '%s' "$cdk_dir" | cksum | cut -d' ' -f1).lock"
flock 9
if [ ! -x "$cdk_dir/node_modules/.bin/cdk" ] || [ "$cdk_dir/package-lock.json" -nt "$cdk_dir/node_modules/.package-lock.json" ]; then
  (cd "$cdk_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
