#!/usr/bin/env bash
# Rehearses the production boot path on this machine, as far as one machine can run it:
#   - the boot files come from the SYNTHESIZED dev assets in cdk.out (what the instances download);
#   - each "instance" gets the sources JSON its user data would write, taken from the template, with
#     the stack's references (secret ARNs, hosts, queue URLs) resolved to the local servers;
#   - a stand-in aws CLI (standin/aws) serves only what AWS would: the secrets and the SSM parameter;
#   - render-env, migrate.sh and the published API run as on an instance, minus root and systemd.
# Each check prints "ok <name>" or "FAIL <name>: why"; the run ends with "rehearse: N checks, F failed"
# and exits non-zero when F > 0. Add a check: write a check_<name> function and list it in CHECKS.
#
# Needs the local services (./platform services): PostgreSQL primary/replica, Redis, SQS, SES, Stripe and
# cognito-local (its pool and app clients from .platform/env stand in for the Identity stack's).
# Options: --no-synth reuses cdk.out/dev; REHEARSE_API_DIR=<dir with BookingAws.Api> and
# REHEARSE_WORKERS_DIR=<dir with BookingAws.Workers> skip the publishes (./platform test passes its build);
# REHEARSE_KEEP=1 keeps the work folder. Ports and credentials come from .platform/env
# (BOOKINGAWS_PLATFORM_ENV overrides its path).
#
# Where it differs from AWS (the README's deploy section lists the manual checks):
#   no TLS to PostgreSQL and Redis, Redis without an auth token, the replica on its own port, local
#   endpoints for SQS/SES/Stripe/Cognito with static local credentials instead of the instance role,
#   cognito-local instead of the user pool (it does not check request signatures), no systemd, no
#   CloudWatch agent, no cfn-signal, no DKIM or SES sandbox.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
synth=1
for arg in "$@"; do
  case $arg in
    --no-synth) synth=0 ;;
    *) echo "usage: rehearse.sh [--no-synth]" >&2; exit 2 ;;
  esac
done

platform_env=${BOOKINGAWS_PLATFORM_ENV:-$root/.platform/env}
[[ -r $platform_env ]] || { echo "rehearse: $platform_env not found; run ./platform services first" >&2; exit 2; }
# shellcheck source=/dev/null
. "$platform_env"
for tool in jq psql curl; do
  command -v "$tool" >/dev/null || { echo "rehearse: $tool is required" >&2; exit 2; }
done

pg_port=${BOOKINGAWS_PG_PORT:-55432}
pg_replica_port=${BOOKINGAWS_PG_REPLICA_PORT:-55433}
redis_port=${BOOKINGAWS_REDIS_PORT:-56379}
sqs_url=${Sqs__ServiceUrl:-http://127.0.0.1:${BOOKINGAWS_SQS_PORT:-59324}}
ses_url=${Ses__ServiceUrl:-http://127.0.0.1:${BOOKINGAWS_SES_PORT:-58005}}
stripe_url=${Stripe__ApiBase:-http://127.0.0.1:${BOOKINGAWS_STRIPE_PORT:-58012}}
api_port=${REHEARSE_API_PORT:-55080}
database=bookingaws_rehearse
# The master user of the local cluster plays Aurora's master user.
master_user=bookingaws
master_password=bookingaws

work=$(mktemp -d -t bookingaws-rehearse.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || continue
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ ${REHEARSE_KEEP:-0} == 1 ]]; then echo "rehearse: work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

checks=0
failed=0
reason=""
# A check fails with `… || { why "reason"; return; }`; the reason is printed with FAIL.
why() { reason=$*; return 1; }

# State shared by the checks, filled as they pass.
template=""
boot=""
api_dir=""
workers_dir=""
sender=""
slug=""
owner_email=""
owner_password=""
token=""
package_id=""
guest_email=""
guest_booking_id=""
api="http://127.0.0.1:$api_port/api/v1"

sql() { PGPASSWORD=$master_password psql -h 127.0.0.1 -p "$pg_port" -U "$master_user" -v ON_ERROR_STOP=1 -Atq "$@"; }

# The user data of one fleet as text; every CloudFormation reference becomes {{Ref:Id}}, {{Fn::ImportValue:Name}}…
user_data() {
  jq -r --arg prefix "$1" '
    .Resources | to_entries[]
    | select(.value.Type == "AWS::EC2::LaunchTemplate" and (.key | startswith($prefix)))
    | .value.Properties.LaunchTemplateData.UserData["Fn::Base64"]["Fn::Join"][1]
    | map(if type == "string" then .
          else "{{" + (to_entries[0] | .key + ":" + (.value | if type == "string" then . else (map(tostring) | join(".")) end)) + "}}"
          end)
    | join("")' "$template"
}

# The sources JSON the user data writes (between "cat > /etc/bookingaws/<service>.sources.json <<'JSON'" and "JSON").
template_sources() {
  user_data "$1" | sed -n "\|^cat > /etc/bookingaws/$2.sources.json <<'JSON'\$|,/^JSON\$/p" | sed '1d;$d'
}

# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

check_synthesizes_dev() {
  if ((synth)); then
    bash "$root/cdk/scripts/synth.sh" dev >"$work/synth.log" 2>&1 || { why "synth failed; see the end of the log:$(tail -5 "$work/synth.log")"; return; }
  fi
  template="$root/cdk.out/dev/BookingAws-dev-Compute.template.json"
  [[ -r $template ]] || { why "$template not found"; return; }
}

check_boot_files_come_from_the_synthesized_asset() {
  [[ -n $template ]] || { why "no template"; return; }
  local data hash
  data=$(user_data Api)
  hash=$(grep -o "[0-9a-f]\{64\}\.zip' '/tmp/bookingaws-boot.zip'" <<<"$data" | head -1 | cut -c1-64) ||
    { why "the API's user data downloads no boot asset"; return; }
  boot="$root/cdk.out/dev/asset.$hash"
  [[ -r $boot/boot.sh && -r $boot/render-env && -r $boot/migrate.sh ]] || { why "asset.$hash lacks boot.sh, render-env or migrate.sh"; return; }
  grep -q "bash /opt/bookingaws/boot/boot.sh 'api'" <<<"$data" || { why "the API's user data does not run boot.sh"; return; }
  # The workers boot from the same asset.
  grep -q "$hash.zip" <(user_data Workers) || { why "the workers download another boot asset"; return; }
}

# Local values for what the stack's references resolve to in AWS; the secrets the stand-in serves.
write_instance() { # <service> <instance>
  local service=$1 instance=$2 prefix etc
  case $service in api) prefix=Api ;; workers) prefix=Workers ;; esac
  etc="$work/$instance/etc/bookingaws"
  mkdir -p "$etc"
  template_sources "$prefix" "$service" | jq \
    --arg sqs "$sqs_url" --arg ses "$ses_url" --arg stripe "$stripe_url" --arg api "http://127.0.0.1:$api_port" \
    --arg otlp "http://127.0.0.1:${BOOKINGAWS_OTLP_GRPC_PORT:-18889}" \
    --argjson pg "$pg_port" --argjson replica "$pg_replica_port" --argjson redis "$redis_port" \
    --arg authority "${Auth__Authority:-}" --arg dashboard "${Auth__ClientIds__0:-}" --arg portal "${Auth__ClientIds__1:-}" \
    --arg pool "${Cognito__UserPoolId:-}" --arg cognito "${Cognito__ServiceUrl:-}" \
    --slurpfile queues "$work/queue-urls.json" '
    .readerHost = "127.0.0.1" | .readerPort = $replica | .writerHost = "127.0.0.1" | .databaseSslMode = "Disable"
    | .cacheHost = "127.0.0.1" | .cachePort = $redis | .cacheSsl = false
    | .plain |= (with_entries(if (.key | startswith("Sqs__Queues__"))
                              then .value = $queues[0][.key | ltrimstr("Sqs__Queues__")]
                              else . end)
                 + (if has("ASPNETCORE_URLS") then { ASPNETCORE_URLS: $api } else {} end)
                 + (if has("Auth__Authority") then
                      { Auth__Authority: $authority, Auth__ClientIds__0: $dashboard, Auth__ClientIds__1: $portal,
                        Cognito__UserPoolId: $pool, Cognito__ServiceUrl: $cognito,
                        # cognito-local sends no invitation, so sign-up sets the password of the owner (never in AWS).
                        Auth__PasswordSignUp: "true" } else {} end)
                 + (if has("Ses__ConfigurationSetName") then { Ses__ConfigurationSetName: "bookingaws-rehearse" } else {} end)
                 + { OTEL_EXPORTER_OTLP_ENDPOINT: $otlp,
                     # Only endpoints differ: in AWS the SDKs find the services by region and the instance role.
                     Sqs__ServiceUrl: $sqs, Ses__ServiceUrl: $ses, Stripe__ApiBase: $stripe,
                     AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" })' >"$etc/$service.sources.json"
}

write_standin_state() {
  local api_sources="$work/api-1/etc/bookingaws/api.sources.json" app_password link
  app_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  link=$(head -c 32 /dev/urandom | base64)
  jq -n --slurpfile s "$api_sources" --arg db "$database" --argjson pg "$pg_port" \
    --arg master "$master_password" --arg app "$app_password" --arg link "$link" \
    --arg portal "http://127.0.0.1:${BOOKINGAWS_PORTAL_PORT:-5173}" '
    $s[0] as $s
    | { secrets: {
          ($s.migrationSecretArn): { engine: "postgres", host: "127.0.0.1", port: $pg, dbname: $db, username: "bookingaws", password: $master },
          ($s.cacheSecretArn): "",
          ($s.stripeSecretArn): { ApiKey: "sk_test_rehearse", WebhookSecret: "whsec_rehearse" },
          ($s.linkSecretArn): $link
        },
        parameters: { ($s.portalUrlParameter): $portal } }
    # Until the Data stack has the app role secret both ARNs are the master secret, and the app connects as master.
    | if $s.databaseSecretArn != $s.migrationSecretArn then
        .secrets[$s.databaseSecretArn] = { engine: "postgres", host: "127.0.0.1", port: $pg, dbname: $db, username: "bookingaws_app", password: $app }
      else . end' >"$work/standin-state.json"
}

standin() { # <instance> <command…>: runs a command as on that instance, with the stand-in aws first on PATH
  local instance=$1
  shift
  BOOKINGAWS_ETC="$work/$instance/etc/bookingaws" BOOKINGAWS_STANDIN_STATE="$work/standin-state.json" \
    BOOKINGAWS_STANDIN_LOG="$work/standin.log" PATH="$here/standin:$PATH" "$@"
}

check_sources_resolve_to_local_servers() {
  [[ -n $boot ]] || { why "no boot files"; return; }
  local instance service
  for instance in api-1 api-2 workers-1; do
    service=${instance%-*}
    write_instance "$service" "$instance"
    jq -e '.databaseSecretArn and .cacheSecretArn and .stripeSecretArn and .linkSecretArn and .portalUrlParameter and .region' \
      "$work/$instance/etc/bookingaws/$service.sources.json" >/dev/null || { why "$service sources lack a key render-env reads"; return; }
  done
  jq -e '.migrationSecretArn' "$work/api-1/etc/bookingaws/api.sources.json" >/dev/null || { why "the API's sources have no migration secret"; return; }
  jq -e '.migrationSecretArn | not' "$work/workers-1/etc/bookingaws/workers.sources.json" >/dev/null ||
    { why "the workers' sources carry the migration secret"; return; }
  write_standin_state
}

sqs_call() { # <operation> <json>
  curl -fsS -X POST "$sqs_url/" -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: AmazonSQS.$1" \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=local' \
    -d "$2"
}

# The stack gives the API the pool and the workers the stage's sender, as Cognito- and SES-shaped values.
check_template_names_the_user_pool_and_the_sender() {
  [[ -n $template ]] || { why "no template"; return; }
  template_sources Api api | jq -e '.plain | (.Auth__Authority | startswith("https://cognito-idp."))
      and .Auth__ClientIds__0 and .Auth__ClientIds__1 and .Cognito__UserPoolId' >/dev/null ||
    { why "the API's sources lack the user pool's issuer, client ids or pool id"; return; }
  sender=$(template_sources Workers workers | jq -r '.plain.Ses__FromAddress // empty')
  [[ $sender == *@* && $sender != *.local ]] || { why "the workers' sender is '${sender:-none}', not the stage's address"; return; }
  template_sources Workers workers | jq -e '.plain.Ses__ConfigurationSetName and .plain.Sqs__Queues__EmailEvents' >/dev/null ||
    { why "the workers' sources lack the SES configuration set or the email-events queue"; return; }
  [[ -n ${Auth__Authority:-} && -n ${Cognito__ServiceUrl:-} ]] ||
    { why "no cognito-local settings in the platform environment (./platform services starts it)"; return; }
}

check_fresh_database_and_queues() {
  # As in a new account: no app role yet (its grants lived in the dropped database), so migrate creates it
  # with this run's app secret.
  sql -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "DROP ROLE IF EXISTS bookingaws_app" \
    -c "CREATE DATABASE $database" >"$work/db.log" 2>&1 ||
    { why "could not create $database: $(cat "$work/db.log")"; return; }
  # The stack's queues, one per concern named in the template, as the Messaging stack would create them.
  local concern url
  echo '{}' >"$work/queue-urls.json"
  for concern in $({ template_sources Api api; template_sources Workers workers; } |
    jq -rs '[.[].plain | keys[] | select(startswith("Sqs__Queues__")) | ltrimstr("Sqs__Queues__")] | unique[]'); do
    url=$(sqs_call CreateQueue "{\"QueueName\":\"bookingaws-rehearse-${concern,,}\"}" | jq -r .QueueUrl) ||
      { why "could not create the $concern queue"; return; }
    # Messages left by an earlier run name bookings of a dropped database.
    sqs_call PurgeQueue "{\"QueueUrl\":\"$url\"}" >/dev/null || { why "could not purge the $concern queue"; return; }
    jq --arg k "$concern" --arg v "$url" '.[$k] = $v' "$work/queue-urls.json" >"$work/queue-urls.tmp"
    mv "$work/queue-urls.tmp" "$work/queue-urls.json"
  done
  [[ $(jq length "$work/queue-urls.json") -gt 0 ]] || { why "the template names no queues"; return; }
}

check_render_env_writes_private_env_files() {
  [[ -r $work/standin-state.json ]] || { why "no stand-in state"; return; }
  local instance service file
  for instance in api-1 api-2 workers-1; do
    service=${instance%-*}
    standin "$instance" bash "$boot/render-env" "$service" 2>>"$work/render.log" || { why "render-env $service failed: $(tail -3 "$work/render.log")"; return; }
    file="$work/$instance/etc/bookingaws/$service.env"
    [[ $(stat -c %a "$file") == 600 ]] || { why "$file is not mode 600"; return; }
    grep -q "^ConnectionStrings__Primary=\".*Database=$database;" "$file" || { why "$file has no primary connection string"; return; }
    grep -q '^ConnectionStrings__Migrations=' "$file" && { why "$file carries the migration credential"; return; }
  done
  return 0
}

check_apps_connect_as_their_own_role() {
  grep -q '^ConnectionStrings__Primary=".*Username=bookingaws_app;' "$work/api-1/etc/bookingaws/api.env" ||
    { why "the API connects as the master user (the Compute stack gets no app-role secret yet: ComputeStackProps.AppDatabaseSecret)"; return; }
}

check_two_instances_migrate_at_once() {
  [[ -n $api_dir ]] || {
    if [[ -n ${REHEARSE_API_DIR:-} ]]; then
      api_dir=$(realpath "$REHEARSE_API_DIR")
    else
      api_dir="$work/api-publish"
      dotnet publish "$root/src/Api" -c Release -o "$api_dir" -nologo -v quiet >"$work/publish.log" 2>&1 ||
        { why "dotnet publish failed: $(tail -5 "$work/publish.log")"; return; }
    fi
  }
  [[ -x $api_dir/BookingAws.Api ]] || { why "$api_dir/BookingAws.Api not found"; return; }
  local instance migrating=()
  for instance in api-1 api-2; do
    BOOKINGAWS_RUN_AS="" standin "$instance" bash "$boot/migrate.sh" api "$api_dir/BookingAws.Api" >"$work/migrate-$instance.log" 2>&1 &
    migrating+=("$!")
  done
  local status=0 pid
  for pid in "${migrating[@]}"; do wait "$pid" || status=1; done
  ((status == 0)) || { why "a migration failed: $(tail -n 5 "$work"/migrate-api-*.log)"; return; }
  for instance in api-1 api-2; do
    [[ ! -e $work/$instance/etc/bookingaws/api.migrate.env ]] || { why "$instance kept the migration credential on disk"; return; }
  done
  local tables
  tables=$(sql -d "$database" -c "SELECT count(*) FROM __ef_migrations_history") || { why "no migration history in $database"; return; }
  ((tables > 0)) || { why "no migration applied"; return; }
  # The advisory lock (issue 11 item 2): one run applies, the other finds the schema current.
  if ! grep -q 'migration lock' "$work"/migrate-api-*.log; then
    echo "TODO two_instances_migrate_at_once: this build's migrate takes no advisory lock yet; not checking one-applies-one-waits"
    return 0
  fi
  local applied current
  applied=$(grep -l 'Applied' "$work"/migrate-api-*.log | wc -l)
  current=$(grep -l 'Schema already current' "$work"/migrate-api-*.log | wc -l)
  ((applied == 1 && current == 1)) || { why "expected one run to apply and one to find the schema current; got $applied applied, $current current"; return; }
  grep -q 'holds the migration lock' "$work"/migrate-api-*.log ||
    echo "note two_instances_migrate_at_once: the second run found the lock free (the first had finished)"
  return 0
}

check_api_starts_in_production_and_is_ready() {
  [[ -n $api_dir && -x $api_dir/BookingAws.Api ]] || { why "no published API"; return; }
  (
    set -a
    # shellcheck source=/dev/null
    . "$work/api-1/etc/bookingaws/api.env"
    set +a
    cd "$api_dir"
    # Rate-limit counters of its own: the local Redis is shared with every earlier run, all from 127.0.0.1.
    exec env ASPNETCORE_ENVIRONMENT=Production RateLimits__KeyPrefix="rl-rehearse-$(date +%s%N)" ./BookingAws.Api
  ) >"$work/api.log" 2>&1 &
  pids+=("$!")
  # Reaped by cleanup; disowned so bash does not report a crash as a job message.
  disown "$!"
  local deadline=$((SECONDS + 90)) code=""
  while ((SECONDS < deadline)); do
    code=$(curl -s -o "$work/ready.txt" -w '%{http_code}' "http://127.0.0.1:$api_port/health/ready" || true)
    # 200 is enough for the ALB, but Degraded (a dependency unreachable) means the environment is wrong.
    [[ $code == 200 ]] && jq -e '.status == "Healthy"' "$work/ready.txt" >/dev/null 2>&1 && return 0
    kill -0 "${pids[-1]}" 2>/dev/null ||
      { why "the API exited: $(grep -a -m1 -o 'Unhandled exception\.[^\\]*' "$work/api.log" || tail -3 "$work/api.log")"; return; }
    sleep 1
  done
  { why "/health/ready not Healthy within 90 s (HTTP ${code:-none}): $(head -c 400 "$work/ready.txt" 2>/dev/null)"; return; }
}

# The bundle folder of one app: the given build, or a Release publish as the deploy makes.
app_dir() { # <project> <override>
  if [[ -n $2 ]]; then
    realpath "$2"
    return
  fi
  local out="$work/publish-$1"
  dotnet publish "$root/src/$1" -c Release -o "$out" -nologo -v quiet >"$work/publish-$1.log" 2>&1 ||
    { echo "dotnet publish src/$1 failed: $(tail -5 "$work/publish-$1.log")" >&2; return 1; }
  printf '%s' "$out"
}

start_app() { # <instance> <service> <dir> <executable> <log>: runs it with the rendered environment only
  (
    set -a
    # shellcheck source=/dev/null
    . "$work/$1/etc/bookingaws/$2.env"
    set +a
    cd "$3"
    exec "./$4"
  ) >"$5" 2>&1 &
  pids+=("$!")
  disown "$!"
}

check_workers_start_in_production() {
  [[ -r $work/workers-1/etc/bookingaws/workers.env ]] || { why "no rendered workers environment"; return; }
  grep -q '^DOTNET_ENVIRONMENT="Production"' "$work/workers-1/etc/bookingaws/workers.env" || { why "the workers are not rendered for Production"; return; }
  workers_dir=$(app_dir Workers "${REHEARSE_WORKERS_DIR:-}") || { why "no workers build"; return; }
  [[ -x $workers_dir/BookingAws.Workers ]] || { why "$workers_dir/BookingAws.Workers not found"; return; }
  start_app workers-1 workers "$workers_dir" BookingAws.Workers "$work/workers.log"
  local pid=${pids[-1]} deadline=$((SECONDS + 60))
  # Started means its host is up: the outbox relay and consumers log as they start.
  until grep -qa 'Application started\|Hosting started\|consum' "$work/workers.log"; do
    kill -0 "$pid" 2>/dev/null || { why "the workers exited: $(grep -a -m1 -o 'Unhandled exception\.[^\\]*' "$work/workers.log" || tail -3 "$work/workers.log")"; return; }
    ((SECONDS < deadline)) || { why "the workers did not start within 60 s: $(tail -3 "$work/workers.log")"; return; }
    sleep 1
  done
}

http() { # <method> <path> [json] [extra curl args…]: prints the body, then the status on its own line
  local method=$1 path=$2 body=${3:-}
  shift 3 || shift $#
  local args=(-sS -X "$method" "$api$path" -w '\n%{http_code}' -H 'Accept: application/json')
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' -d "$body")
  curl "${args[@]}" "$@"
}
status_of() { tail -n 1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }

check_a_business_signs_up() {
  local suffix response
  suffix=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
  slug="rehearse-$suffix"
  owner_email="owner-$suffix@example.test"
  owner_password="Rehearse-$suffix-1"
  response=$(http POST /tenants "{\"slug\":\"$slug\",\"name\":\"Rehearsal $suffix\",\"timeZone\":\"Etc/UTC\",\"currency\":\"GBP\",\"ownerEmail\":\"$owner_email\",\"ownerName\":\"Owner\",\"ownerPassword\":\"$owner_password\"}")
  [[ $(status_of "$response") == 201 ]] || { why "sign-up answered $(status_of "$response"): $(body_of "$response" | head -c 300)"; return; }
}

check_the_owner_signs_in_with_the_pool() {
  [[ -n $slug ]] || { why "no business"; return; }
  local answer
  # What the dashboard does: the pool's InitiateAuth with the dashboard client.
  answer=$(curl -sS -X POST "${Cognito__ServiceUrl%/}/" -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
    -d "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$Auth__ClientIds__0\",\"AuthParameters\":{\"USERNAME\":\"$owner_email\",\"PASSWORD\":\"$owner_password\"}}")
  token=$(jq -r '.AuthenticationResult.AccessToken // empty' <<<"$answer")
  [[ -n $token ]] || { why "InitiateAuth gave no access token: $(head -c 300 <<<"$answer")"; return; }
}

check_the_owner_manages_the_business() {
  [[ -n $token ]] || { why "no token"; return; }
  local response saved=$token
  response=$(http GET "/tenants/$slug")
  [[ $(status_of "$response") == 200 ]] || { why "GET /tenants/$slug answered $(status_of "$response") with the owner's token"; return; }
  token=""
  response=$(http GET "/tenants/$slug/customers")
  token=$saved
  [[ $(status_of "$response") == 401 ]] || { why "without a token the owner's route answered $(status_of "$response"), not 401"; return; }
  local days='' day item
  for day in Monday Tuesday Wednesday Thursday Friday Saturday Sunday; do
    days+="${days:+,}{\"day\":\"$day\",\"opens\":\"08:00\",\"closes\":\"20:00\"}"
  done
  response=$(http PUT "/tenants/$slug/hours" "{\"intervals\":[$days]}")
  [[ $(status_of "$response") == 200 ]] || { why "PUT hours answered $(status_of "$response"): $(body_of "$response" | head -c 300)"; return; }
  response=$(http POST "/tenants/$slug/inventory" '{"name":"Room","quantity":2}')
  [[ $(status_of "$response") == 201 ]] || { why "POST inventory answered $(status_of "$response")"; return; }
  item=$(body_of "$response" | jq -r .id)
  response=$(http POST "/tenants/$slug/packages" "{\"name\":\"Free tour\",\"durationMinutes\":60,\"priceMinor\":0,\"maxSeats\":4,\"inventory\":[{\"inventoryItemId\":\"$item\",\"units\":1,\"perSeat\":false}]}")
  [[ $(status_of "$response") == 201 ]] || { why "POST package answered $(status_of "$response"): $(body_of "$response" | head -c 300)"; return; }
  package_id=$(body_of "$response" | jq -r .id)
}

check_a_guest_books_a_slot() {
  [[ -n $package_id ]] || { why "no package"; return; }
  local day start response deadline=$((SECONDS + 30))
  day=$(date -u -d '+3 days' +%F)
  token=""
  # The catalogue and availability read the replica: wait for it to see the new package.
  while :; do
    response=$(http GET "/tenants/$slug/packages/$package_id/availability?from=$day&to=$day")
    start=$(body_of "$response" | jq -r '[.slots[]? | select(.remainingSeats > 0)][0].startsAt // empty' 2>/dev/null)
    [[ -n $start ]] && break
    ((SECONDS < deadline)) || { why "no free slot on $day (HTTP $(status_of "$response"))"; return; }
    sleep 0.5
  done
  guest_email="guest-${slug#rehearse-}@example.test"
  response=$(http POST "/tenants/$slug/bookings" "{\"packageId\":\"$package_id\",\"startsAt\":\"$start\",\"seats\":1,\"customer\":{\"name\":\"Guest\",\"email\":\"$guest_email\"}}" \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)")
  [[ $(status_of "$response") == 201 ]] || { why "the booking answered $(status_of "$response"): $(body_of "$response" | head -c 300)"; return; }
  # A guest's booking waits for the code emailed to the address, even when free.
  [[ $(body_of "$response" | jq -r '.status + " " + (.awaitingEmailProof | tostring)') == "held true" ]] ||
    { why "a guest's free booking is $(body_of "$response" | jq -c '{status, awaitingEmailProof}'), not held awaiting the emailed code"; return; }
  guest_booking_id=$(body_of "$response" | jq -r .id)
}

# The first email to the guest whose subject matches <jq regex>, within 60 s; empty if none.
email_to_guest() {
  local deadline=$((SECONDS + 60)) mail=""
  while ((SECONDS < deadline)); do
    mail=$(curl -fsS "$ses_url/store" | jq -c --arg to "$guest_email" --arg re "$1" \
      '[.emails[] | select((.destination.to | index($to)) and (.subject | test($re)))][0] // empty')
    [[ -n $mail ]] && break
    sleep 1
  done
  printf '%s' "$mail"
}

check_the_guest_proves_the_address_with_the_emailed_code() {
  [[ -n $guest_booking_id ]] || { why "no booking"; return; }
  local mail code response
  mail=$(email_to_guest 'is your code')
  [[ -n $mail ]] || { why "no code email to $guest_email reached SES within 60 s; workers log: $(tail -3 "$work/workers.log")"; return; }
  [[ $(jq -r .from <<<"$mail") == *"$sender"* ]] || { why "the code came from $(jq -r .from <<<"$mail"), not the stage's sender $sender"; return; }
  code=$(jq -r .subject <<<"$mail" | grep -oE '^[0-9]{6}')
  response=$(http POST "/bookings/$guest_booking_id/email-proof" "{\"code\":\"$code\"}")
  [[ $(status_of "$response") == 200 && $(body_of "$response" | jq -r .status) == confirmed ]] ||
    { why "entering the emailed code answered $(status_of "$response"): $(body_of "$response" | head -c 300)"; return; }
}

check_the_confirmation_arrives_from_the_production_sender() {
  [[ -n $guest_email ]] || { why "no booking"; return; }
  local mail
  mail=$(email_to_guest 'is confirmed')
  [[ -n $mail ]] || { why "no confirmation to $guest_email reached SES within 60 s; workers log: $(tail -3 "$work/workers.log")"; return; }
  [[ $(jq -r .from <<<"$mail") == *"$sender"* ]] || { why "the email came from $(jq -r .from <<<"$mail"), not the stage's sender $sender"; return; }
}

CHECKS=(
  check_synthesizes_dev
  check_boot_files_come_from_the_synthesized_asset
  check_template_names_the_user_pool_and_the_sender
  check_fresh_database_and_queues
  check_sources_resolve_to_local_servers
  check_render_env_writes_private_env_files
  check_apps_connect_as_their_own_role
  check_two_instances_migrate_at_once
  check_api_starts_in_production_and_is_ready
  check_workers_start_in_production
  check_a_business_signs_up
  check_the_owner_signs_in_with_the_pool
  check_the_owner_manages_the_business
  check_a_guest_books_a_slot
  check_the_guest_proves_the_address_with_the_emailed_code
  check_the_confirmation_arrives_from_the_production_sender
)

for check in "${CHECKS[@]}"; do
  checks=$((checks + 1))
  reason=""
  name=${check#check_}
  # Not in a subshell: checks hand state (template, boot folder, API folder) to later ones.
  if "$check"; then
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name: ${reason:-failed}"
  fi
done

echo "rehearse: $checks checks, $failed failed"
((failed == 0))
