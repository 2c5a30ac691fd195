#!/usr/bin/env bash
# The container smoke test: build the image from the project's unchanged Dockerfile, run it with
# the example rules folder mounted (and tests/container/rules beside it), make real boto3 calls
# against its published port (tests/container/probe.py: the rules' queues exist, SQS messages
# go round, PutEvents reaches the queue its rule names), check that `docker stop` exits 0, then
# bring docker-compose.yml up, probe it and take it down.
#
#   smoke.sh             the test: exit 0 PASSED; 77 SKIPPED, for a reason it prints (no engine,
#                        no base image can be had), never a pass; other: FAILED, the Dockerfile,
#                        the image or the compose file is broken
#   smoke.sh --prepare   only make the base image and build the images (into the engine's cache)
#
# It uses the engine `docker` reaches (DOCKER_HOST); .ci/run starts a private one with
# tests/container/engine.sh. With CI=true a missing engine is a failure, unless the engine script
# recorded why the machine refused one (EVENTBUS_CONTAINER_SKIP). The base image is
# python:3.12-slim when it can be had, otherwise a Debian one made locally with mmdebstrap (root;
# the root filesystem is cached in $EVENTBUS_CI_CACHE). Logs and summary.txt: $EVENTBUS_CI_LOGS
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON_PROBE:-$REPO/.venv/bin/python}
IMAGE=${EVENTBUS_SMOKE_IMAGE:-eventbus-emulator:smoke}
CONSUMER_TAG=${EVENTBUS_SMOKE_CONSUMER_IMAGE:-eventbus-emulator-consumer:smoke}
UPSTREAM_BASE=python:3.12-slim
SUITE=${EVENTBUS_BASE_SUITE:-bookworm}
CACHE=${EVENTBUS_CI_CACHE:-/var/cache/eventbus-ci}
LOGS=${EVENTBUS_CI_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/eventbus-smoke.XXXXXX")}  # .ci/run names one
NETWORK=${EVENTBUS_DOCKER_NETWORK:-bridge}
HEALTHY_TARGET_S=2                             # the image's promise (issue #6)
HEALTHY_LIMIT_S=${EVENTBUS_HEALTHY_LIMIT_S:-5}  # failing above it: a loaded runner can miss 2 s
LABEL=org.eventbus-emulator.smoke=1
SUMMARY=$LOGS/summary.txt
SERVED=$LOGS/served.txt
RFC3339=2006-01-02T15:04:05.999999999Z07:00   # Go's layout, for docker inspect templates
mkdir -p "$LOGS"
: >"$SUMMARY"

say() { printf '[smoke %5ss] %s\n' "$SECONDS" "$*"; }
note() { printf '  %-18s %s\n' "$1" "$2" | tee -a "$SUMMARY"; }
skip() { echo "container smoke test: SKIPPED: $*" | tee -a "$SUMMARY" >&2; exit 77; }
fail() {
  [ -n "$CTR" ] && { echo "--- container log (last 30 lines)"; docker logs "$CTR" 2>&1 | tail -n 30; } >&2
  echo "container smoke test: FAILED: $*" | tee -a "$SUMMARY" >&2
  exit 1
}
in_ci() { [ "${CI:-}" = true ]; }
lap() { local now=$SECONDS; LAP=$((now - ${LAP_START:-0})); LAP_START=$now; }

CTR=
PROJECT=
CONSUMER_BUILD=
compose() { (cd "$REPO" && $COMPOSE -p "$PROJECT" "$@"); }
cleanup() {
  set +e
  [ -n "$CONSUMER_BUILD" ] && kill "$CONSUMER_BUILD" 2>/dev/null
  [ -n "$CTR" ] && docker rm -f "$CTR" >/dev/null 2>&1
  [ -n "$PROJECT" ] && compose down -v -t 5 >/dev/null 2>&1
  docker image prune -f --filter "label=$LABEL" >/dev/null 2>&1
}
trap cleanup EXIT

# ---- 0. an engine ----------------------------------------------------------------------------
need_engine() {
  command -v docker >/dev/null || { in_ci && fail "no docker command in CI"; skip "no docker command"; }
  docker info >/dev/null 2>&1 && return 0
  [ -n "${EVENTBUS_CONTAINER_SKIP:-}" ] && skip "$EVENTBUS_CONTAINER_SKIP"
  local where=${DOCKER_HOST:-the default socket}
  in_ci && fail "no container engine at $where although CI=true (.ci/run starts one with tests/container/engine.sh)"
  skip "no container engine answers at $where (start Docker, or run .ci/run as root)"
}

find_compose() {
  if command -v docker-compose >/dev/null; then COMPOSE=docker-compose
  elif docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"
  else COMPOSE=
  fi
}

# ---- 1. a base image -------------------------------------------------------------------------
# python:3.12-slim when the engine has it or can pull it; else a local Debian base with python3
# and venv, plus the host's extra CA certificates (TLS-intercepting proxies) for pip in the build.
local_base_recipe() {
  printf '%s\n' "$SUITE" minbase python3,python3-venv,ca-certificates "PATH and pip CA v1"
  cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true
}

first_error() {  # the first line of a log that looks like an error, else its last line
  grep -m 1 -E '^(E:|W: .*fail|Unknown option|error)' "$1" || tail -n 1 "$1"
}

make_rootfs() {  # $1 = tarball to write
  [ "$(id -u)" = 0 ] || skip "no registry for $UPSTREAM_BASE, and making a local base needs root"
  command -v mmdebstrap >/dev/null || { in_ci && fail "mmdebstrap missing (engine.sh installs it)"; skip "no registry for $UPSTREAM_BASE and no mmdebstrap"; }
  local hooks=() crt
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [ -e "$crt" ] && hooks+=(--customize-hook="copy-in $crt /usr/local/share/ca-certificates/")
  done
  # shellcheck disable=SC2016  # mmdebstrap expands $1 (the root) itself
  hooks+=(--customize-hook='chroot "$1" update-ca-certificates')
  say "mmdebstrap $SUITE (python3, venv, CA certificates) -> $1"
  mkdir -p "$(dirname "$1")"
  mmdebstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    "${hooks[@]}" --format=tar "$SUITE" "$1.tmp" </dev/null >"$LOGS/mmdebstrap.log" 2>&1 \
    || { rm -f "$1.tmp"; skip "no registry for $UPSTREAM_BASE and mmdebstrap failed: $(first_error "$LOGS/mmdebstrap.log")"; }
  mv "$1.tmp" "$1"
}

local_base() {
  local key rootfs
  key=$(local_base_recipe | sha256sum | cut -c1-12)
  BASE=eventbus-ci-base:$SUITE-$key
  docker image inspect "$BASE" >/dev/null 2>&1 && { BASE_HOW="local $SUITE base (cached image)"; return; }
  rootfs=$CACHE/rootfs-$SUITE-$key.tar
  if [ -s "$rootfs" ]; then BASE_HOW="local $SUITE base (cached root filesystem)"
  else make_rootfs "$rootfs"; BASE_HOW="local $SUITE base (mmdebstrap)"
  fi
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["/bin/bash"]' "$rootfs" "$BASE" >/dev/null \
    || skip "docker import of $rootfs failed"
}

choose_base() {
  if [ -n "${EVENTBUS_BASE:-}" ]; then BASE=$EVENTBUS_BASE; BASE_HOW="given (EVENTBUS_BASE)"
  elif docker image inspect "$UPSTREAM_BASE" >/dev/null 2>&1; then BASE=$UPSTREAM_BASE; BASE_HOW="already present"
  elif timeout 120 docker pull -q "$UPSTREAM_BASE" >"$LOGS/pull.log" 2>&1; then BASE=$UPSTREAM_BASE; BASE_HOW="pulled"
  else say "cannot pull $UPSTREAM_BASE ($(tail -n 1 "$LOGS/pull.log")): local base"; local_base
  fi
}

# ---- 2. build ----------------------------------------------------------------------------------
build() {  # $1 = tag, $2 = context, $3 = log name
  DOCKER_BUILDKIT=0 docker build --network host --label "$LABEL" --build-arg "BASE=$BASE" \
    -t "$1" "$2" >"$LOGS/$3.log" 2>&1 || { tail -n 20 "$LOGS/$3.log" >&2; fail "docker build $2 (log: $LOGS/$3.log)"; }
}

# Bytes the project's layers add to the base, and one line per such layer.
layer_report() {
  local ours total
  ours=$(($(docker history -q "$IMAGE" | wc -l) - $(docker history -q "$BASE" | wc -l)))
  total=$(($(docker image inspect -f '{{.Size}}' "$IMAGE") - $(docker image inspect -f '{{.Size}}' "$BASE")))
  note "project layers" "$(numfmt --to=si --suffix=B "$total") in $ours layers on $BASE ($(numfmt --to=si --suffix=B "$(docker image inspect -f '{{.Size}}' "$IMAGE")") in all)"
  docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | head -n "$ours" \
    | awk -F'\t' '$1 != "0B" { printf "      %8s  %.90s\n", $1, $2 }' | tee -a "$SUMMARY"
}

# ---- 3. run, probe, stop -----------------------------------------------------------------------
start_container() {
  CTR=eventbus-smoke-$$
  # The example rules where the image expects them, and the smoke test's own beside them.
  local args=(-d --name "$CTR" -v "$REPO/rules:/rules:ro" -v "$REPO/tests/container/rules:/smoke-rules:ro"
    -e EVENTBUS_RULES=/rules:/smoke-rules)
  if [ "$NETWORK" = bridge ]; then args+=(-p 127.0.0.1::4566)
  else args+=(--network host)
  fi
  docker run "${args[@]}" "$IMAGE" >/dev/null || fail "docker run"
  if [ "$NETWORK" = bridge ]; then
    URL=http://$(docker port "$CTR" 4566/tcp | head -n 1)
  else
    URL=http://127.0.0.1:4566
  fi
}

# Seconds from the container's start to the end of its first passing health probe.
wait_healthy() {
  local status _
  for _ in $(seq 1 300); do
    status=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$CTR")
    [ "$status" = starting ] || break
    [ "$(docker inspect -f '{{.State.Running}}' "$CTR")" = true ] || break
    sleep 0.1
  done
  [ "$status" = healthy ] || fail "health status is '$status', not healthy"
  local started ok
  read -r started ok < <(docker inspect \
    -f "{{.State.StartedAt}}{{range .State.Health.Log}}{{if eq .ExitCode 0}} {{.End.Format \"$RFC3339\"}}{{end}}{{end}}" "$CTR")
  seconds_between "$started" "$ok"
}

over() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }  # $1 > $2, as numbers

seconds_between() {  # two RFC 3339 times -> seconds, 2 decimals
  awk -v a="$(date -d "$1" +%s.%N)" -v b="$(date -d "$2" +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

stop_container() {
  local t0 code
  t0=$(date -Ins)
  docker stop -t 10 "$CTR" >/dev/null
  code=$(docker inspect -f '{{.State.ExitCode}}' "$CTR")
  note "docker stop" "exit status $code after $(seconds_between "$t0" "$(date -Ins)") s"
  docker logs "$CTR" >"$LOGS/container.log" 2>&1
  [ "$code" = 0 ] || { tail -n 20 "$LOGS/container.log" >&2; fail "the container exited $code after docker stop"; }
  docker rm "$CTR" >/dev/null
  CTR=
}

image_part() {
  start_container
  local healthy
  healthy=$(wait_healthy) || exit $?
  local verdict="within the $HEALTHY_TARGET_S s target"
  over "$healthy" "$HEALTHY_TARGET_S" && verdict="OVER the $HEALTHY_TARGET_S s target"
  note "time to healthy" "$healthy s, $verdict (fails above $HEALTHY_LIMIT_S s; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
  docker exec -i "$CTR" python - <"$REPO/tests/container/served.py" >"$SERVED" \
    || fail "could not list what the image serves (tests/container/served.py in the container)"
  say "probe $URL"
  "$PY" -m tests.container.probe image "$URL" --served "$SERVED" \
    --rules "$REPO/rules" --rules "$REPO/tests/container/rules" | tee -a "$SUMMARY" || fail "boto3 checks against the image"
  stop_container
  ! over "$healthy" "$HEALTHY_LIMIT_S" || fail "healthy after $healthy s, more than $HEALTHY_LIMIT_S s"
}

# ---- 4. compose --------------------------------------------------------------------------------
consumer_logged() {  # $1 = token
  local _
  for _ in $(seq 1 60); do
    compose logs --no-color consumer 2>/dev/null | grep -q -- "$1" && return 0
    sleep 0.5
  done
  return 1
}

compose_part() {
  PROJECT=eventbus-smoke-$$
  export EMULATOR_IMAGE=$IMAGE CONSUMER_IMAGE=$CONSUMER_TAG EMULATOR_BASE=$BASE
  export EMULATOR_PUBLISH=127.0.0.1:
  compose up -d --no-build >"$LOGS/compose.log" 2>&1 \
    || { tail -n 20 "$LOGS/compose.log" >&2; fail "docker-compose up"; }
  URL=http://$(compose port emulator 4566 | tail -n 1)
  say "probe compose at $URL"
  local out token
  out=$("$PY" -m tests.container.probe compose "$URL" --served "$SERVED" --rules "$REPO/rules") || { echo "$out"; compose logs --no-color >&2; fail "boto3 checks against compose"; }
  echo "$out" | grep -v '^TOKEN=' | tee -a "$SUMMARY"
  token=$(echo "$out" | sed -n 's/^TOKEN=//p')
  if [ -n "$token" ]; then
    consumer_logged "$token" || { compose logs --no-color consumer >&2; fail "the consumer never logged $token"; }
    note "consumer" "logged the message it was sent"
  fi
  compose stop -t 10 >>"$LOGS/compose.log" 2>&1
  local codes
  codes=$(compose ps -q | xargs docker inspect -f '{{.Name}}={{.State.ExitCode}}' | tr '\n' ' ')
  note "compose stop" "$codes"
  compose logs --no-color >"$LOGS/compose-services.log" 2>&1
  compose down -v -t 5 >>"$LOGS/compose.log" 2>&1 || fail "docker-compose down"
  PROJECT=
  case $codes in *=[1-9]*) fail "a compose service exited non-zero: $codes" ;; esac
}

# ---- main --------------------------------------------------------------------------------------
# The base image and both builds, once at a time: .ci/run starts `smoke.sh --prepare` in the
# background while the suite sets up, and the test proper waits here until that is done (then
# finds everything in the engine's caches).
images() {
  local asked=$SECONDS
  exec 9>"$LOGS/prepare.lock"
  flock 9
  [ $((SECONDS - asked)) -lt 2 ] || note "waited" "$((SECONDS - asked))s for the background preparation"
  [ -s "$LOGS/prepare.txt" ] && { echo "  prepared in the background:"; cat "$LOGS/prepare.txt"; } | tee -a "$SUMMARY"
  lap
  choose_base; lap
  note "base image" "$BASE — $BASE_HOW (${LAP}s)"
  # Both images at once (their pip installs overlap); both done before anything is timed.
  build "$CONSUMER_TAG" "$REPO/examples/consumer" build-consumer &
  CONSUMER_BUILD=$!
  build "$IMAGE" "$REPO" build
  wait "$CONSUMER_BUILD" || exit 1
  CONSUMER_BUILD=; lap
  note "build" "$IMAGE and $CONSUMER_TAG (${LAP}s)"
  flock -u 9
}

prepare() {
  SUMMARY=$LOGS/prepare.txt
  : >"$SUMMARY"
  docker info >/dev/null 2>&1 || exit 0  # the test proper reports it
  images
}

main() {
  cd "$REPO"
  if [ "${1:-}" = --prepare ]; then prepare; return; fi
  need_engine
  find_compose
  say "engine: $(docker version -f 'server {{.Server.Version}}, client {{.Client.Version}}'), network $NETWORK, compose: ${COMPOSE:-none}"
  images
  layer_report
  image_part; lap
  note "run+probe+stop" "${LAP}s"
  [ -n "$COMPOSE" ] || { in_ci && fail "no docker-compose in CI"; skip "the image passed; no docker-compose for the compose part"; }
  (cd "$REPO" && $COMPOSE config -q) || fail "$COMPOSE config"
  [ "$NETWORK" = bridge ] || skip "the image passed; compose up needs a bridge network, and this engine runs without one (fallback mode)"
  compose_part; lap
  note "compose" "up, probe, stop, down (${LAP}s)"
  note "total" "${SECONDS}s"
  echo "container smoke test: PASSED" | tee -a "$SUMMARY"
}

main "$@"
