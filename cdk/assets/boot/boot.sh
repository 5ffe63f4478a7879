#!/usr/bin/env bash
# Boots one BookingAws instance. User data writes /etc/bookingaws/<service>.sources.json (the stack's
# values: secret ARNs, hosts, region, log group, plain settings), downloads this folder (a CDK asset) and
# runs it; a non-zero exit fails the instance's CloudFormation signal, and so the deploy.
#
# Usage: boot.sh <service> --executable NAME --bundle s3://BUCKET/KEY [--readiness-url URL] [--migrate]
#   --migrate        run the release's migrations (migrate.sh) before the service is enabled (API only)
#   --readiness-url  succeed only once this local URL answers 2xx; without it, once the service stays up
# For tests: BOOKINGAWS_ROOT prefixes every path written; BOOKINGAWS_DRY_RUN=1 prints the commands that
# change the machine (packages, users, S3, systemd, agent, migration) instead of running them.
set -euo pipefail

usage() {
  echo "usage: boot.sh <service> --executable NAME --bundle s3://BUCKET/KEY [--readiness-url URL] [--migrate]" >&2
  exit 2
}

[[ $# -ge 1 && $1 != -* ]] || usage
service=$1
shift
executable=""
bundle=""
readiness_url=""
migrate=0
while (($# > 0)); do
  case $1 in
    --executable) executable=${2:-}; shift 2 || usage ;;
    --bundle) bundle=${2:-}; shift 2 || usage ;;
    --readiness-url) readiness_url=${2:-}; shift 2 || usage ;;
    --migrate) migrate=1; shift ;;
    *) usage ;;
  esac
done
[[ -n $executable && $bundle == s3://* ]] || usage

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${BOOKINGAWS_ROOT:-}
dry=${BOOKINGAWS_DRY_RUN:-0}
etc=$root/etc/bookingaws
home=$root/opt/bookingaws/$service
logs=$root/var/log/bookingaws
log_file=$logs/$service.log
bin=$root/usr/local/bin
units=$root/etc/systemd/system
agent=$root/opt/aws/amazon-cloudwatch-agent
sources=$etc/$service.sources.json
export BOOKINGAWS_ETC=$etc

run() {
  if [[ $dry == 1 ]]; then
    printf 'dry-run:'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

[[ -r $sources ]] || { echo "boot: $sources not found (user data writes it first)" >&2; exit 1; }

# aws-cfn-bootstrap provides cfn-signal, which user data calls on exit.
run dnf install -y unzip jq amazon-cloudwatch-agent aws-cfn-bootstrap logrotate
region=$(jq -r '.region' "$sources")
log_group=$(jq -r '.logGroup' "$sources")

if ! id bookingaws >/dev/null 2>&1; then
  run useradd --system --no-create-home --shell /sbin/nologin bookingaws
fi
mkdir -p "$home" "$etc" "$logs" "$bin" "$units" "$root/etc/logrotate.d" "$agent/etc"
chmod 700 "$etc"
run chown bookingaws "$logs"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run aws s3 cp --only-show-errors --region "$region" "$bundle" "$work/bundle.zip"
run unzip -o -q "$work/bundle.zip" -d "$home"
run chmod +x "$home/$executable"

install -m 0755 "$here/render-env" "$bin/bookingaws-render-env"

fill() { # <template> <target>: replaces the @NAME@ placeholders of units and the logrotate file
  sed -e "s|@SERVICE@|$service|g" -e "s|@HOME@|$home|g" -e "s|@EXECUTABLE@|$executable|g" \
    -e "s|@ETC@|$etc|g" -e "s|@BIN@|$bin|g" -e "s|@LOG_FILE@|$log_file|g" "$1" >"$2"
  if grep -q '@[A-Z_]*@' "$2"; then
    echo "boot: unfilled placeholder in $2" >&2
    exit 1
  fi
}
fill "$here/units/bookingaws.service" "$units/bookingaws-$service.service"
fill "$here/units/bookingaws-env.service" "$units/bookingaws-$service-env.service"
fill "$here/units/bookingaws-env.timer" "$units/bookingaws-$service-env.timer"
fill "$here/logrotate.conf" "$root/etc/logrotate.d/bookingaws-$service"

# The agent ships the service's JSON log lines, takes EMF on 25888 (custom metrics such as
# BookingAws/OutboxBacklog) and OTLP on 4317/4318 (traces to X-Ray, metrics to CloudWatch).
agent_config=$agent/etc/amazon-cloudwatch-agent.json
jq --arg region "$region" --arg file "$log_file" --arg group "$log_group" \
  '.agent.region = $region
   | .logs.logs_collected.files.collect_list[0] |= (.file_path = $file | .log_group_name = $group)' \
  "$here/cloudwatch-agent.json" >"$agent_config"
run "$agent/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -s -c "file:$agent_config"

if ((migrate)); then
  run bash "$here/migrate.sh" "$service" "$home/$executable"
fi

run systemctl daemon-reload
run systemctl enable --now "bookingaws-$service.service" "bookingaws-$service-env.timer"

if [[ $dry == 1 ]]; then
  echo "dry-run: wait for ${readiness_url:-the service to stay active}"
elif [[ -n $readiness_url ]]; then
  # Signal success only once the app reports ready (schema current, database and cache reachable).
  deadline=$((SECONDS + 600))
  until curl -fsS -o /dev/null "$readiness_url"; do
    if ((SECONDS >= deadline)); then
      echo "boot: $readiness_url not ready in time" >&2
      exit 1
    fi
    sleep 5
  done
else
  # A crash-looping service is "activating" between restarts; after 15 s it has had its chance to fail.
  sleep 15
  systemctl is-active --quiet "bookingaws-$service.service"
fi
echo "boot: bookingaws-$service is up"
