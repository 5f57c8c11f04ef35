#!/usr/bin/env bash
# The compose test: builds the repository's Dockerfiles, runs docker-compose.yml as it is, and checks what a partner's
# first deployment relies on. Run as root (it may install Docker and start its engine): tests/Compose/run.sh
#
# It checks that:
#   - the silo image alone (`docker run`, no settings, read-only root, non-root) is the embedded default and serves a token;
#   - every service of docker-compose.yml becomes healthy, and every container runs as a non-root user on a read-only root;
#   - one user asked through every silo gets one token and causes one exchange;
#   - a silo SIGKILLed under load on the others costs 0 failed calls and 0 exchanges;
#   - the killed silo starts again, is ready, and serves that user with 0 new exchanges;
#   - the Orleans ports speak mutual TLS: plaintext gets nothing, and a TLS client is asked for a certificate;
#   - `docker-compose down -v` leaves no container, network or volume of the project behind.
# Each check prints `ok - ...` or `not ok - ...`; the last line is `compose: N passed, N failed`, and the exit code is
# non-zero on any failure. .ci/run adds these counts to the test projects'.
# `run.sh --prepare` only starts the engine and provides the base images (.ci/run does it while the test projects run).
#
# Why stand-in base images: the registry that serves mcr.microsoft.com cannot be reached from these machines (CI
# included), but Debian's and npm's can. When an image named in a FROM line or in docker-compose.yml cannot be pulled,
# the script builds one under the same name from what is here (a Debian bookworm root from debootstrap, the machine's
# own .NET installation, Azurite from npm on the machine's Node), so the Dockerfiles and docker-compose.yml run
# unchanged. Stand-ins are kept in the engine's image store and reused by later runs.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"

# The development certificates docker-compose.yml mounts (written by Silo/dev-certs.sh) that the TLS check uses.
ca_file=ca.pem

project=bgcompose
work="$(mktemp -d)"
passed=0
failed=0
compose() { docker-compose -p "$project" -f "$repo/docker-compose.yml" "$@"; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
finish() {
  echo "compose: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}
cleanup() {
  stop_load
  [ -n "${embedded:-}" ] && docker rm -f "$embedded" >/dev/null 2>&1
  [ -z "${downed:-}" ] && compose down -v --remove-orphans >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# Waits up to $1 seconds for the command in $2 (evaluated each time) to succeed, polling every half second.
eventually() {
  local deadline=$((SECONDS + $1))
  until eval "$2"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}

### The engine ###########################################################################################################

start_engine() {
  if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null || ! command -v debootstrap >/dev/null; then
    log "installing docker.io, docker-compose and debootstrap from Debian"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose debootstrap) >"$work/apt.log" 2>&1 \
      || { cat "$work/apt.log"; return 1; }
  fi
  docker info >/dev/null 2>&1 && return 0
  log "starting dockerd"
  # Left running after the test: later runs (and the image cache) use it.
  nohup dockerd >/var/log/boostedgrains-dockerd.log 2>&1 &
  eventually 60 "docker info >/dev/null 2>&1" || { tail -20 /var/log/boostedgrains-dockerd.log; return 1; }
}

### Stand-in base images ##################################################################################################

bookworm=local/boostedgrains-bookworm
# The bookworm root stays on disk as well: the Azurite stand-in is imported from it in one pass.
bookworm_root=/var/cache/boostedgrains-compose/bookworm

build_bookworm() {
  docker image inspect "$bookworm" >/dev/null 2>&1 && [ -x "$bookworm_root/bin/bash" ] && return 0
  log "building $bookworm with debootstrap"
  rm -rf "$bookworm_root"; mkdir -p "$(dirname "$bookworm_root")"
  debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata bookworm "$bookworm_root" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; return 1; }
  rm -rf "$bookworm_root"/var/cache/apt/archives/*.deb "$bookworm_root"/var/lib/apt/lists/*
  tar -C "$bookworm_root" -c . | docker import - "$bookworm" >/dev/null
}

dotnet_root() { dirname "$(readlink -f "$(command -v dotnet)")"; }

# Builds image $1 from a Dockerfile ($2, text), the files $3... under the machine's .NET folder, the machine's CA bundle
# (the package registries are reached through its trust) and anything the caller put in $work/ctx/extra.
build_from_dotnet() {
  local name=$1 dockerfile=$2; shift 2
  mkdir -p "$work/ctx/extra"
  printf '%s\n' "$dockerfile" >"$work/ctx/Dockerfile"
  cp /etc/ssl/certs/ca-certificates.crt "$work/ctx/"
  tar -c -C "$work/ctx" Dockerfile ca-certificates.crt extra -C "$(dotnet_root)" "$@" | docker build -q -t "$name" - >/dev/null
  rm -rf "$work/ctx"
}

# The official images' non-root user (app, UID 1654, $APP_UID) and port settings.
dotnet_image_env='ENV APP_UID=1654 DOTNET_RUNNING_IN_CONTAINER=true ASPNETCORE_HTTP_PORTS=8080 DOTNET_ROOT=/usr/share/dotnet PATH=/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --create-home app && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet'

# The NuGet packages the Silo and the emulator restored on this machine, seeded into the stand-in's package folder so
# that the image builds restore without downloading them again (a build-time cache only: the real SDK image has none,
# and restores the same versions from nuget.org).
seed_packages() {
  local assets
  mkdir -p "$work/ctx/extra/packages"
  for assets in Silo/obj/project.assets.json src/BoostedGrains.Emulator/obj/project.assets.json; do
    [ -f "$assets" ] && python3 -c 'import json,sys; print("\n".join(v["path"] for v in json.load(open(sys.argv[1]))["libraries"].values() if v.get("type") == "package"))' "$assets"
  done | sort -u | while read -r package; do
    [ -d "$HOME/.nuget/packages/$package" ] && mkdir -p "$work/ctx/extra/packages/$package" && cp -a "$HOME/.nuget/packages/$package/." "$work/ctx/extra/packages/$package/"
  done
}

stand_in_sdk() {
  local entries; entries=$(ls "$(dotnet_root)")
  seed_packages
  build_from_dotnet "$1" "FROM $bookworm
$(for entry in $entries; do echo "COPY $entry /usr/share/dotnet/$entry"; done)
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY extra/packages /root/.nuget/packages
$dotnet_image_env
# No revocation lists reachable from here (only the package registries are).
ENV NUGET_CERT_REVOCATION_MODE=offline DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1" \
    $entries
}

stand_in_runtime() {
  build_from_dotnet "$1" "FROM $bookworm
COPY dotnet /usr/share/dotnet/dotnet
COPY host /usr/share/dotnet/host
COPY shared /usr/share/dotnet/shared
$dotnet_image_env
USER \$APP_UID" \
    dotnet host shared
}

stand_in_azurite() {
  local version=${1##*:} modules
  mkdir -p "$work/azurite"
  if grep -q "\"azurite\": \"$version\"" tests/Azurite/package.json; then
    # The storage tests' lock file (the same version), installed apart: the tests may be installing theirs meanwhile.
    cp tests/Azurite/package.json tests/Azurite/package-lock.json "$work/azurite/"
    (cd "$work/azurite" && npm ci --no-audit --no-fund --silent >/dev/null) || return 1
  else
    (cd "$work/azurite" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "azurite@$version" >/dev/null) || return 1
  fi
  modules="$work/azurite/node_modules"
  # Imported, not built: a COPY of node_modules' 50,000 files takes many minutes here, an import one pass.
  cp "$(readlink -f "$(command -v node)")" "$work/azurite/node"
  tar -c -C "$bookworm_root" . -C "$work/azurite" node -C "$(dirname "$modules")" node_modules \
      --transform 's,^node$,usr/local/bin/node,' --transform 's,^node_modules,opt/azurite/node_modules,' \
    | docker import \
      --change 'ENV PATH=/opt/azurite/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'WORKDIR /opt/azurite' \
      --change 'CMD ["azurite", "-l", "/data", "--blobHost", "0.0.0.0", "--queueHost", "0.0.0.0", "--tableHost", "0.0.0.0"]' \
      - "$1" >/dev/null
}

# Every image the Dockerfiles build FROM and that docker-compose.yml runs: pulled, or else stood in for.
base_images() {
  { grep -hoE '^FROM +[^ ]+' Silo/Dockerfile src/BoostedGrains.Emulator/Dockerfile | awk '{print $2}'
    grep -oE '^ +image: +mcr\.[^ ]+' docker-compose.yml | awk '{print $2}'; } | sort -u
}

provide_base_images() {
  local image
  for image in $(base_images); do
    docker image inspect "$image" >/dev/null 2>&1 && continue
    timeout 30 docker pull -q "$image" >/dev/null 2>&1 && continue
    build_bookworm || return 1
    log "building a stand-in for $image"
    case "$image" in
      */dotnet/sdk:*) stand_in_sdk "$image" ;;
      */dotnet/aspnet:* | */dotnet/runtime:*) stand_in_runtime "$image" ;;
      */azurite:*) stand_in_azurite "$image" ;;
      *) echo "no stand-in known for $image" >&2; false ;;
    esac || return 1
  done
}

### HTTP helpers ##########################################################################################################

# The compose file's gateway API key (one place: docker-compose.yml).
api_key() { grep -oE 'Gateway__ApiKeys__0: +[^ ]+' docker-compose.yml | awk '{print $2}'; }

# Prints the access token silo $1 (1..3, its published port 500N) serves for user $2.
token_via() {
  curl -fsS -X POST "http://127.0.0.1:500$1/v1/users/$2/token" -H "Authorization: Bearer $(api_key)" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# Successful token exchanges the emulator counted (every user and the management tokens).
exchanges() {
  curl -fsS http://127.0.0.1:5080/_emulator/stats | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["exchanges"].values()))'
}

container_of() { compose ps -q "$1"; }
health_of() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null; }
all_healthy() {
  local service
  for service in azurite emulator silo1 silo2 silo3; do
    [ "$(health_of "$(container_of "$service")")" = healthy ] || return 1
  done
}
ready() { curl -fs -o /dev/null "http://127.0.0.1:500$1/healthz/ready"; }

### The checks ############################################################################################################

check_embedded_default() {
  # No settings at all, as `dotnet run --project Silo`; read-only root, only /tmp writable, as production runs it.
  embedded=$(docker run -d --read-only --tmpfs /tmp -p 127.0.0.1::8080 boostedgrains-silo) || return 1
  local port; port=$(docker port "$embedded" 8080/tcp | head -1 | awk -F: '{print $NF}')
  eventually 60 '[ "$(health_of "$embedded")" = healthy ]' || { docker logs "$embedded" | tail -20; return 1; }
  [ "$(docker exec "$embedded" id -u)" = 1654 ] || { echo "the silo runs as $(docker exec "$embedded" id -u)"; return 1; }
  local answer
  answer=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/users/alice/token" -H 'Authorization: Bearer dev-api-key') || return 1
  [[ "$answer" == *'"token_type":"Bearer"'* ]] || { echo "unexpected answer: $answer"; return 1; }
  docker rm -f "$embedded" >/dev/null; embedded=
}

check_non_root_read_only() {
  local service id user
  for service in azurite emulator silo1 silo2 silo3; do
    id=$(container_of "$service")
    user=$(docker inspect -f '{{.Config.User}}' "$id")
    [ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$id")" = true ] || { echo "$service: root filesystem is writable"; return 1; }
    case "$user" in "" | 0 | root | 0:* | root:*) echo "$service: runs as root ('$user')"; return 1 ;; esac
  done
}

check_one_user_one_exchange() {
  local user="compose-$RANDOM$RANDOM" before first token i
  # A first user makes the partner's management token (creating users needs it), so the count below is the user's alone.
  token_via 1 "compose-first-$RANDOM" >/dev/null || return 1
  before=$(exchanges) || return 1
  first=$(token_via 1 "$user") || return 1
  for i in 2 3; do
    token=$(token_via "$i" "$user") || return 1
    [ "$token" = "$first" ] || { echo "silo$i served another token"; return 1; }
  done
  [ "$(exchanges)" -eq $((before + 1)) ] || { echo "exchanges: $before before, $(exchanges) after (expected one more)"; return 1; }
}

# Load: token requests for 200 users through the silos named ($1, $2), sent 16 at a time; each final status on a line.
# Each call is made as a patient app server makes it, as the native SiloLossTests do: up to 3 tries within 5 s, so a
# 503 answered while membership has not yet declared the killed silo dead is tried again (curl honours Retry-After).
write_load_config() {
  local i
  for i in $(seq 1 200); do
    printf 'url = "http://127.0.0.1:500%s/v1/users/load-%s/token"\noutput = "/dev/null"\n' "${@:$((i % $# + 1)):1}" "$i"
  done >"$work/load.cfg"
}
load_once() {
  curl -s --no-progress-meter -X POST -H "Authorization: Bearer $(api_key)" --retry 2 --retry-max-time 5 \
    --parallel --parallel-max 16 -K "$work/load.cfg" -w '%{http_code}\n'
}

# Sends the load until $work/stop exists; every answer's HTTP status goes to $work/codes.
start_load() {
  : >"$work/codes"
  rm -f "$work/stop"
  ( while [ ! -e "$work/stop" ]; do load_once >>"$work/codes"; done ) &
  load_pid=$!
}

stop_load() { touch "$work/stop"; [ -n "${load_pid:-}" ] && wait "$load_pid"; load_pid=; }
calls() { wc -l <"$work/codes"; }
failed_calls() { grep -cv '^200$' "$work/codes"; }

check_kill_under_load() {
  local i before silo3
  # The load's users get their tokens first, so that any exchange later is one too many.
  write_load_config 1 2
  load_once >"$work/warm"
  [ "$(grep -c '^200$' "$work/warm")" -eq 200 ] || { echo "warm-up: $(sort "$work/warm" | uniq -c | tr '\n' ' ')"; return 1; }
  before=$(exchanges)
  start_load
  eventually 30 '[ "$(calls)" -ge 400 ]' || { echo "the load does not run"; return 1; }
  silo3=$(container_of silo3)
  docker kill -s KILL "$silo3" >/dev/null || return 1
  local killed_at; killed_at=$(calls)
  # Membership declares silo3 dead within seconds; the load runs on for 15 s past the kill, then 400 more calls.
  local stop_at=$((SECONDS + 15))
  eventually 30 '[ "$SECONDS" -ge "$stop_at" ]'
  local target=$(($(calls) + 400))
  eventually 30 '[ "$(calls)" -ge "$target" ]'
  stop_load
  log "load: $(calls) calls ($killed_at before the kill), $(failed_calls) failed"
  [ "$(failed_calls)" -eq 0 ] || { echo "failed calls: $(grep -v '^200$' "$work/codes" | sort | uniq -c | tr '\n' ' ')"; return 1; }
  [ "$(exchanges)" -eq "$before" ] || { echo "exchanges: $before before the kill, $(exchanges) after"; return 1; }
}

check_restart() {
  local before
  before=$(exchanges)
  docker start "$(container_of silo3)" >/dev/null || return 1
  eventually 90 "ready 3" || { echo "silo3 is not ready"; compose logs --tail 20 silo3; return 1; }
  write_load_config 3
  load_once >"$work/restarted"
  [ "$(grep -c '^200$' "$work/restarted")" -eq 200 ] || { echo "silo3: $(sort "$work/restarted" | uniq -c | tr '\n' ' ')"; return 1; }
  [ "$(exchanges)" -eq "$before" ] || { echo "exchanges: $before before the restart, $(exchanges) after"; return 1; }
}

check_mutual_tls() {
  local ip port out
  ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(container_of silo1)")
  for port in 30000 11111; do
    # Plaintext, as an Orleans client without TLS would open it: the connection is closed and nothing comes back.
    out=$(timeout 10 bash -c "exec 3<>/dev/tcp/$ip/$port; printf 'orleans-plaintext-preamble\0\0\0\0' >&3; cat <&3" | wc -c)
    [ "${PIPESTATUS[0]}" -eq 0 ] && [ "$out" -eq 0 ] || { echo "port $port: plaintext got $out bytes (or stayed open)"; return 1; }
    # A TLS client without a certificate: the silo presents one from the development CA and asks for the client's.
    out=$(openssl s_client -connect "$ip:$port" -CAfile "$repo/dev-certs/$ca_file" -verify_return_error </dev/null 2>&1)
    # (s_client says "Verify return code: 0" even when no certificate came: the certificate must be there too.)
    grep -q '^Server certificate' <<<"$out" && grep -q 'Verify return code: 0 (ok)' <<<"$out" \
      || { echo "port $port: no TLS server with a certificate from the CA: $(tail -5 <<<"$out")"; return 1; }
    grep -qE 'Requested Signature Algorithms|Acceptable client certificate CA names' <<<"$out" \
      || { echo "port $port: the silo did not ask for a client certificate"; return 1; }
  done
}

check_down() {
  compose down -v --remove-orphans >/dev/null 2>&1 || return 1
  downed=1
  [ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$project")" ] || { echo "containers left"; return 1; }
  [ -z "$(docker network ls -q --filter "label=com.docker.compose.project=$project")" ] || { echo "networks left"; return 1; }
  [ -z "$(docker volume ls -q --filter "label=com.docker.compose.project=$project")" ] || { echo "volumes left"; return 1; }
}

### Run ###################################################################################################################

started=$SECONDS
start_engine || { not_ok "a Docker engine runs"; finish; }
# The engine's own client (Debian's), rather than a newer one earlier on PATH that asks for BuildKit.
[ -x /usr/bin/docker ] && docker() { /usr/bin/docker "$@"; }
provide_base_images || { not_ok "base images (pulled or stood in for)"; finish; }
log "base images ready ($((SECONDS - started)) s)"
if [ "${1:-}" = --prepare ]; then downed=1; exit 0; fi
[ -e "dev-certs/$ca_file" ] || Silo/dev-certs.sh >/dev/null
compose down -v --remove-orphans >/dev/null 2>&1
# One silo service builds the image all three run (building each would build it three times over).
compose build -q --parallel emulator silo1 >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; not_ok "docker-compose build"; finish; }
log "images built ($((SECONDS - started)) s): $(docker images --format '{{.Repository}} {{.Size}}' | grep '^boostedgrains-' | tr '\n' ' ')"
check "the silo image with no settings is the embedded default, non-root on a read-only root" check_embedded_default
compose up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; not_ok "docker-compose up"; finish; }
if eventually 120 all_healthy; then ok "every service is healthy"; else
  not_ok "every service is healthy"; compose ps; compose logs --tail 30; finish
fi
log "healthy ($((SECONDS - started)) s)"
check "every container runs as a non-root user on a read-only root filesystem" check_non_root_read_only
check "one user asked through every silo gets one token and causes one exchange" check_one_user_one_exchange
check "a silo SIGKILLed under load costs 0 failed calls and 0 exchanges" check_kill_under_load
stop_load
check "the killed silo restarts, is ready and serves with 0 new exchanges" check_restart
check "the Orleans ports speak mutual TLS and give plaintext nothing" check_mutual_tls
check "docker-compose down -v leaves nothing behind" check_down
log "done ($((SECONDS - started)) s)"
finish
