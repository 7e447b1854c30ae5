#!/usr/bin/env bash
# `make compose-test`: docker-compose.yml run for real with podman on this machine.
#
#   1. podman and its configuration (deploy/compose/podman.sh install), podman-compose in .venv
#   2. the base image, once (debootstrap bookworm + Python 3.11, deploy/compose/podman.sh base)
#   3. every image the compose file names, built from that base (layers cached between runs)
#   4. podman-compose up with deploy/compose/local.override.yml (one matcher, embedded index),
#      in order: Kafka, PostgreSQL and the mail sink healthy, then init done, then the services
#      healthy, then the front door
#   5. the demo scenario (deploy/local/demo_scenario.py) through the published ports: needs,
#      consented profiles, MatchFound, AlertSent, the e-mails, a sign-in through the front door
#   6. down, volumes included, whatever happened (trap); image sizes and times
#
# Not part of `make test` (the first run builds for a long time). COMPOSE_KEEP=1 leaves the
# stack up for a look (down it with: bash deploy/compose/test.sh down).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
PY=$REPO/.venv/bin/python
STATE=${SPIE_COMPOSE_STATE:-/var/tmp/spie-compose}
PROJECT=spie31
export SPIE_BASE_IMAGE=${SPIE_BASE_IMAGE:-localhost/spie31-base:bookworm}
export SPIE_TORCH_INDEX=${SPIE_TORCH_INDEX:-}   # no PyTorch index here: PyPI's torch
export SPIE_COMPOSE_MAIL_DIR=$STATE/mail SPIE_COMPOSE_MATCHER_CACHE=$STATE/matcher-cache
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-1200}  # the first matcher start encodes the ROME appellations
SERVICES=(employer_intake candidate_profile matcher notifier actions)

say() { printf 'compose-test: %s\n' "$*"; }
die() { printf 'compose-test: error: %s\n' "$*" >&2; exit 1; }
TIMES=()
timed() {  # timed LABEL command...: runs it, keeps "LABEL  N s"
  local label=$1 t0=$SECONDS; shift
  "$@"
  TIMES+=("$(printf '%-34s %5d s' "$label" $((SECONDS - t0)))")
}

compose() {
  nice -n 15 "$REPO/.venv/bin/podman-compose" -p "$PROJECT" -f docker-compose.yml \
    -f deploy/compose/local.override.yml "$@"
}

tools() {
  bash deploy/compose/podman.sh install
  [ -x "$PY" ] || die ".venv is missing: run make setup"
  if [ ! -x "$REPO/.venv/bin/podman-compose" ]; then
    say "installing podman-compose into .venv"
    "$PY" -m pip install -q podman-compose
  fi
}

# The referentials the init job imports: ../shared/data when it is there, else the small
# fixture laid out the same way.
data_dir() {
  local d=${SPIE_DATA_DIR:-$REPO/../shared/data}
  if [ -d "$d/rome" ] && [ -f "$d/geo/communes_31.csv" ]; then
    SPIE_DATA_DIR=$(cd "$d" && pwd -P)
  else
    SPIE_DATA_DIR=$STATE/data
    rm -rf "$SPIE_DATA_DIR"; mkdir -p "$SPIE_DATA_DIR/geo"
    cp -r shared/referential/fixtures/rome "$SPIE_DATA_DIR/rome"
    cp shared/referential/fixtures/communes_31_sample.csv "$SPIE_DATA_DIR/geo/communes_31.csv"
    say "no ../shared/data: the referential fixture instead"
  fi
  export SPIE_DATA_DIR
}

# image|context|dockerfile|target|ARG=V,ARG=V for each image the merged compose file builds.
build_list() {
  compose config 2>/dev/null | "$PY" -c '
import sys, yaml
seen = set()
for name, srv in sorted(yaml.safe_load(sys.stdin)["services"].items()):
    b, image = srv.get("build"), srv.get("image")
    if not b or image in seen:
        continue
    seen.add(image)
    args = b.get("args", [])
    if isinstance(args, dict):
        args = [f"{k}={v}" for k, v in args.items()]
    print("|".join([image, b["context"], b.get("dockerfile", "Dockerfile"), b.get("target", ""), ",".join(args)]))
'
}

build_images() {
  local line image context file target args cmd t0 caches=()
  # Caches only (uv's wheels, Maven's jars): a build without them downloads the same.
  [ -d /root/.cache/uv ] && caches+=(-v /root/.cache/uv:/cache/uv)
  [ -d "$HOME/.m2" ] && caches+=(-v "$HOME/.m2:/root/.m2")
  while IFS='|' read -r image context file target args; do
    cmd=(podman build --format docker -q -f "$file" -t "$image" "${caches[@]}")
    [ -n "$target" ] && cmd+=(--target "$target")
    IFS=, read -ra args <<< "$args"
    local a; for a in "${args[@]}"; do cmd+=(--build-arg "$a"); done
    t0=$SECONDS
    say "building $image"
    nice -n 15 "${cmd[@]}" "$context" > "$STATE/build.log" 2>&1 \
      || { tail -40 "$STATE/build.log" >&2; die "building $image failed"; }
    TIMES+=("$(printf '%-34s %5d s' "build ${image#localhost/}" $((SECONDS - t0)))")
  done < <(build_list)
}

container() { podman ps -a --filter "label=io.podman.compose.project=$PROJECT" \
  --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -1; }

# Healthy = the image's or the compose file's health check passes inside the container
# (podman runs none by itself without systemd: run here, once a second).
wait_healthy() {
  local svc name deadline=$((SECONDS + HEALTH_TIMEOUT)) pending=("$@")
  while [ ${#pending[@]} -gt 0 ]; do
    local still=()
    for svc in "${pending[@]}"; do
      name=$(container "$svc")
      [ -n "$name" ] || die "no container for $svc"
      if [ "$(podman inspect -f '{{.State.Status}}' "$name")" = exited ] \
          && [ "$(podman inspect -f '{{.State.Restarting}}' "$name")" != true ]; then
        podman logs --tail 30 "$name" >&2 || true
        die "$svc exited while starting"
      fi
      if podman healthcheck run "$name" >/dev/null 2>&1; then say "$svc healthy"; else still+=("$svc"); fi
    done
    pending=("${still[@]}")
    [ ${#pending[@]} -eq 0 ] && break
    if [ $SECONDS -ge $deadline ]; then
      for svc in "${pending[@]}"; do podman logs --tail 30 "$(container "$svc")" >&2 || true; done
      die "not healthy within $HEALTH_TIMEOUT s: ${pending[*]}"
    fi
    sleep 1
  done
}

# The host ports local.override.yml publishes: PORT[service]=port.
declare -A PORT
read_ports() {
  local svc port
  while read -r svc port; do PORT[$svc]=$port; done < <(compose config 2>/dev/null | "$PY" -c '
import sys, yaml
for name, srv in yaml.safe_load(sys.stdin)["services"].items():
    for p in srv.get("ports", []):
        print(name, str(p).split(":")[-2])
')
  for svc in "${SERVICES[@]}" front kafka; do
    [ -n "${PORT[$svc]:-}" ] || die "local.override.yml publishes no port for $svc"
  done
}

published() {  # every API through its published port, as a client reaches it
  local svc
  for svc in "${SERVICES[@]}"; do
    curl -fsS -m 5 "http://127.0.0.1:${PORT[$svc]}/healthz" >/dev/null \
      || die "$svc: http://127.0.0.1:${PORT[$svc]}/healthz does not answer through the published port"
  done
  curl -fsS -m 5 -o /dev/null "http://127.0.0.1:${PORT[front]}/" \
    || die "the front door does not answer on 127.0.0.1:${PORT[front]}"
  say "published ports answer: $(for svc in "${SERVICES[@]}" front; do printf '%s %s, ' "$svc" "${PORT[$svc]}"; done)"
}

up() {
  # podman 4.3 ignores depends_on's service_healthy: the order is kept here instead.
  compose up -d kafka postgres mail > "$STATE/up.log" 2>&1 || { cat "$STATE/up.log" >&2; die "up failed"; }
  wait_healthy kafka postgres mail
  compose up -d --no-deps init >> "$STATE/up.log" 2>&1 || { cat "$STATE/up.log" >&2; die "up init failed"; }
  local rc; rc=$(podman wait "$(container init)")
  podman logs "$(container init)" | tail -n 5
  [ "$rc" = 0 ] || { podman logs --tail 40 "$(container init)" >&2; die "init exited with $rc"; }
  compose up -d --no-deps "${SERVICES[@]}" >> "$STATE/up.log" 2>&1 \
    || { cat "$STATE/up.log" >&2; die "up of the services failed"; }
  wait_healthy "${SERVICES[@]}"
  compose up -d --no-deps front >> "$STATE/up.log" 2>&1 || { cat "$STATE/up.log" >&2; die "up front failed"; }
  wait_healthy front
  published
}

demo() {
  # The scenario's CLIs (API keys, référents) run inside the services' containers, with their
  # own roles and the stack's secret; Kafka is read through the host listener.
  # The scenario finds the APIs at base+1..base+5, as the override publishes them.
  local base=$((PORT[employer_intake] - 1)) svc i=1
  for svc in "${SERVICES[@]}"; do
    [ "${PORT[$svc]}" = $((base + i)) ] || die "the demo wants the APIs on consecutive ports"
    i=$((i + 1))
  done
  SPIE_SERVICE_PORT_BASE=$base SPIE_FRONT_PORT=${PORT[front]} \
  SPIE_KAFKA_BOOTSTRAP=127.0.0.1:${PORT[kafka]} \
  SPIE_DEMO_MAIL_DIR=$SPIE_COMPOSE_MAIL_DIR \
  SPIE_DEMO_CLI="podman exec -i ${PROJECT}_{service}_1 python -m" \
  DEMO_WAIT_SECONDS=${DEMO_WAIT_SECONDS:-180} SPIE_ENVIRONMENT=development \
    "$PY" -m deploy.local.demo_scenario
  local mails; mails=$(find "$SPIE_COMPOSE_MAIL_DIR" -name '*.eml' | wc -l)
  [ "$mails" -gt 0 ] || die "no e-mail in the mail sink's folder"
  say "$mails e-mails in the mail sink ($SPIE_COMPOSE_MAIL_DIR)"
}

down() {
  compose down -v -t 10 > "$STATE/down.log" 2>&1 || { tail -20 "$STATE/down.log" >&2; return 1; }
}

on_exit() {
  local rc=$?
  trap - EXIT
  if [ $rc -ne 0 ]; then
    say "failed (status $rc); last lines of each container:"
    local c
    for c in $(podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}'); do
      echo "---- $c ($(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c"))"
      podman logs --tail 15 "$c" 2>&1 || true
    done
  fi
  if [ "${COMPOSE_KEEP:-0}" = 1 ] && [ $rc -eq 0 ]; then
    say "left running (COMPOSE_KEEP=1): bash deploy/compose/test.sh down"
  else
    local t0=$SECONDS
    down && TIMES+=("$(printf '%-34s %5d s' "down" $((SECONDS - t0)))")
  fi
  report
  exit $rc
}

report() {
  echo
  echo "images (podman image inspect, uncompressed):"
  local image
  while IFS='|' read -r image _; do
    printf '  %-44s %s\n' "$image" "$(podman image inspect -f '{{.Size}}' "$image" 2>/dev/null | numfmt --to=iec || echo absent)"
  done < <(build_list)
  printf '  %-44s %s\n' "$SPIE_BASE_IMAGE (base)" "$(podman image inspect -f '{{.Size}}' "$SPIE_BASE_IMAGE" 2>/dev/null | numfmt --to=iec || echo absent)"
  echo "times:"
  printf '  %s\n' "${TIMES[@]}"
  printf '  %-34s %5d s\n' total "$SECONDS"
}

main() {
  mkdir -p "$STATE"
  timed "podman and podman-compose" tools
  timed "base image" bash deploy/compose/podman.sh base
  export SPIE_SECRET_KEY=${SPIE_SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')}
  data_dir
  read_ports
  # The links in e-mails: the front door as published here.
  export SPIE_PUBLIC_URL=http://127.0.0.1:${PORT[front]}
  # A run left behind by a killed test: its containers and volumes go first.
  down || true
  timed "images (all)" build_images
  rm -rf "$SPIE_COMPOSE_MAIL_DIR"; install -d -o 10001 -m 0755 "$SPIE_COMPOSE_MAIL_DIR"
  install -d -o 10001 -m 0755 "$SPIE_COMPOSE_MATCHER_CACHE"
  trap on_exit EXIT
  timed "up, until every service is healthy" up
  timed "demo scenario" demo
  say "passed"
}

case ${1:-test} in
  test) main ;;
  down) export SPIE_SECRET_KEY=${SPIE_SECRET_KEY:-only-read-to-parse-the-file}; down ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
