#!/usr/bin/env bash
# `DEMO_ONCE=1 make demo` from a clone inside a folder only its owner can enter (`mktemp -d`,
# mode 0700, as root's own home is): run by `make test` as root, where PostgreSQL runs as the
# postgres user, who cannot walk into such a checkout (stack.sh then keeps its data in /var/tmp).
# The clone is of the committed HEAD, with ../shared beside it; its stack takes ports of its own
# (SPIE_CLOSED_PORT_BASE, 21000 by default), so it never meets the test stack. The clone's .venv
# is made by `make demo` itself (from uv's cache); .cache (the ONNX export and the ROME vectors,
# both named by what they were made from) is copied from this checkout when present, to spare
# the ~10 minutes of encoding.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD

if [ "$(id -u)" != 0 ]; then
  echo "demo in a closed folder: skipped (not root: the stack runs as $(id -un), who owns the folder)"
  exit 0
fi
SHARED=$(realpath "${SPIE_SHARED_DIR:-../shared}")
[ -d "$SHARED/data" ] || { echo "demo in a closed folder: $SHARED/data is missing"; exit 1; }

base=${SPIE_CLOSED_PORT_BASE:-21000}
# Exported: the demo and the clean-up below (stack.sh down) must name the same parts.
export SPIE_KAFKA_PORT=$((base + 92)) SPIE_KAFKA_CONTROLLER_PORT=$((base + 93)) \
  SPIE_PG_PORT=$((base + 432)) SPIE_SERVICE_PORT_BASE=$((base + 800)) \
  SPIE_SMTP_PORT=$((base + 25)) SPIE_FRONT_PORT=$((base + 880)) \
  SPIE_KAFKA_BOOTSTRAP=127.0.0.1:$((base + 92)) \
  SPIE_DATABASE_URL=postgresql://postgres@127.0.0.1:$((base + 432))/spie
closed=$(mktemp -d)  # mode 0700
chmod 0700 "$closed"
clone=$closed/spie
cleanup() {
  local rc=$?
  if [ -d "$clone" ]; then
    (cd "$clone" && bash deploy/local/stack.sh down >/dev/null 2>&1 || true)
    (cd "$clone" && make -s clean-stack >/dev/null 2>&1 || true)
  fi
  if [ "$rc" != 0 ] && [ -d "$clone/.stack/logs" ]; then
    mkdir -p "$REPO/.stack/demo-closed-logs"
    cp -r "$clone/.stack/logs/." "$REPO/.stack/demo-closed-logs/" 2>/dev/null || true
    echo "demo in a closed folder: its logs are kept in .stack/demo-closed-logs/"
  fi
  rm -rf "$closed"
  exit "$rc"
}
trap cleanup EXIT

echo "demo in a closed folder: clone of $(git rev-parse --short HEAD) in $closed (mode $(stat -c %a "$closed"))"
git clone -q "$REPO" "$clone"
ln -s "$SHARED" "$closed/shared"
if [ -d .cache ]; then
  mkdir -p "$clone/.cache"
  cp -a .cache/. "$clone/.cache/"
fi
if runuser -u postgres -- test -x "$clone" 2>/dev/null; then
  echo "demo in a closed folder: the postgres user can enter $clone: the folder is not closed"
  exit 1
fi

cd "$clone"
t0=$SECONDS
DEMO_ONCE=1 make -s demo
[ -L .stack/pg ] || { echo "demo in a closed folder: .stack/pg is not the link to /var/tmp"; exit 1; }
echo "demo in a closed folder: passed in $((SECONDS - t0)) s (PostgreSQL's data in $(readlink .stack/pg))"
bash deploy/local/stack.sh down >/dev/null
left=$(pgrep -f -- "$closed/" || true)
[ -z "$left" ] || { echo "demo in a closed folder: processes left running: $left"; exit 1; }
echo "demo in a closed folder: every part stopped"
