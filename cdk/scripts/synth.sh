#!/usr/bin/env bash
# Synthesizes every stack of one stage offline into cdk.out/<stage> (repo root).
# Usage: cdk/scripts/synth.sh [dev|prod] [extra cdk context args, e.g. -c apiBundle=dir]
set -euo pipefail

stage="${1:-dev}"
shift || true
case "$stage" in
  dev|prod) ;;
  *) echo "usage: $0 [dev|prod] [-c key=value ...]" >&2; exit 2 ;;
esac

cdk_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$cdk_dir/.." && pwd)"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_CLI_TELEMETRY=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

# Also when the lock file changed since the last install (a new tool such as the cfn-guard rules package).
bash "$cdk_dir/scripts/npm-ci.sh"

# Build once and run the dll directly: `dotnet run` would re-check the build on every synth.
dotnet build "$cdk_dir/BookingAws.Cdk.csproj" -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
dll="$cdk_dir/bin/Debug/net10.0/BookingAws.Cdk.dll"

out="$root/cdk.out/$stage"
rm -rf "$out"
cd "$root"
# The placeholder account/region (whose zones are in cdk.json) keep synth from asking AWS for anything.
"$cdk_dir/node_modules/.bin/cdk" synth --quiet --no-notices --no-version-reporting \
  --app "dotnet $dll" --output "$out" \
  -c stage="$stage" -c account=111111111111 -c region=eu-west-1 "$@"

count="$(find "$out" -maxdepth 1 -name '*.template.json' | wc -l)"
echo "synthesized $count templates for $stage into cdk.out/$stage"
