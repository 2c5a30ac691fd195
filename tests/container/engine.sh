#!/usr/bin/env bash
# A private Docker engine for CI, when the machine has none running.
#
#   engine.sh start   install what is missing (Debian packages), start dockerd with its own data
#                     root, exec root and socket, wait until it answers (or use the engine that
#                     already answers `docker info`); print shell assignments
#                     for the caller to eval:
#                       DOCKER_HOST=unix://…   EVENTBUS_DOCKER_NETWORK=bridge|host
#                     or, when the machine refuses (no apt, no root, a kernel that will not run
#                     dockerd), EVENTBUS_CONTAINER_SKIP='why' — a reason, reported as a skip.
#   engine.sh stop    stop the dockerd this script started (by its PID file), nothing else.
#
# Progress goes to stderr; stdout carries only the assignments. Logs: $EVENTBUS_CI_LOGS.
set -euo pipefail

STATE=${EVENTBUS_ENGINE_STATE:-/var/lib/eventbus-ci/docker}    # data root, never /var/lib/docker
RUNDIR=${EVENTBUS_ENGINE_RUN:-/run/eventbus-ci}
LOGS=${EVENTBUS_CI_LOGS:-/tmp/eventbus-ci-logs}
PIDFILE=$RUNDIR/dockerd.pid
SOCK=$RUNDIR/docker.sock
ENGINE=(docker:docker.io dockerd:docker.io containerd:containerd runc:runc iptables:iptables)
TOOLS=(mmdebstrap:mmdebstrap docker-compose:docker-compose)

say() { printf '[engine %5ss] %s\n' "$SECONDS" "$*" >&2; }
refuse() {  # the machine will not run an engine: hand the reason to the tests, exit 0
  say "no engine: $*"
  printf "EVENTBUS_CONTAINER_SKIP=%q\n" "$*"
  exit 0
}

# Debian packages for the commands still missing; $@ = command:package pairs.
install_missing() {
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
  [ ${#missing[@]} = 0 ] && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  command -v apt-get >/dev/null || refuse "no apt-get to install ${missing[*]}"
  say "apt-get install ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$LOGS/apt.log" 2>&1 \
    || refuse "apt-get install ${missing[*]} failed: $(tail -n 1 "$LOGS/apt.log")"
}

# dockerd with our roots and socket; $1 names the log, the rest are extra flags.
# Returns 0 once `docker info` answers, 1 (dockerd stopped again) if it never does.
launch() {
  local name=$1 pid _
  shift
  mkdir -p "$STATE" "$RUNDIR"
  dockerd --data-root "$STATE" --exec-root "$RUNDIR/exec" --pidfile "$PIDFILE" \
    -H "unix://$SOCK" "$@" </dev/null >"$LOGS/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    DOCKER_HOST="unix://$SOCK" docker info >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 1
}

start() {
  mkdir -p "$LOGS"
  [ "$(id -u)" = 0 ] || refuse "starting a private dockerd needs root (uid is $(id -u))"
  if DOCKER_HOST="unix://$SOCK" docker info >/dev/null 2>&1; then
    say "the private dockerd of an earlier run still answers on $SOCK: using it"
    printf 'DOCKER_HOST=unix://%s\nEVENTBUS_DOCKER_NETWORK=%s\n' "$SOCK" "$(network_of_running)"
    install_missing "${TOOLS[@]}"
    return
  fi
  if docker info >/dev/null 2>&1; then  # the machine's own engine: a second one would fight it
    say "using the engine already running at ${DOCKER_HOST:-the default socket}"
    install_missing "${TOOLS[@]}"
    printf 'EVENTBUS_DOCKER_NETWORK=bridge\n'
    return
  fi
  install_missing "${ENGINE[@]}" "${TOOLS[@]}"
  local network=bridge
  if [ "${EVENTBUS_ENGINE_MODE:-}" != fallback ] && launch dockerd; then
    say "dockerd up (default storage, bridge network), pid $(cat "$PIDFILE")"
  elif launch dockerd-fallback --storage-driver=vfs --iptables=false --ip6tables=false \
    --bridge=none; then
    network=host
    say "dockerd up in fallback mode (vfs, host network only), pid $(cat "$PIDFILE")"
  else
    refuse "dockerd would not start: $(tail -n 1 "$LOGS/dockerd-fallback.log" 2>/dev/null)"
  fi
  printf 'DOCKER_HOST=unix://%s\nEVENTBUS_DOCKER_NETWORK=%s\n' "$SOCK" "$network"
}

network_of_running() {
  if DOCKER_HOST="unix://$SOCK" docker network inspect bridge >/dev/null 2>&1; then
    echo bridge
  else
    echo host
  fi
}

# Only a dockerd: a PID file left by a crashed run may name a process that is something else now.
stop() {
  [ -s "$PIDFILE" ] || return 0
  local pid _
  pid=$(cat "$PIDFILE")
  [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = dockerd ] || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd $pid still running after 30 s: SIGKILL"
    kill -KILL "$pid"
  fi
  say "dockerd $pid stopped"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 64 ;;
esac
