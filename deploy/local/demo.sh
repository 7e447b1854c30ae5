#!/usr/bin/env bash
# `make demo`: set-up, the stack, the referentials, then the demo scenario.
# With DEMO_ONCE=1 it exits after the summary; otherwise it keeps the stack up until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python

bash deploy/local/stack.sh up
make -s migrate
if [ -d ../shared/data/rome ]; then
  $PY -m shared.referential import-rome ../shared/data/rome
  $PY -m shared.referential import-communes ../shared/data/geo/communes_31.csv
else
  echo "../shared/data not found: importing the small fixture shipped with the project"
  $PY -m shared.referential import-fixture
fi
$PY -m deploy.local.smoke

if [ "${DEMO_ONCE:-0}" = 1 ]; then exit 0; fi
echo "The stack keeps running; Ctrl-C stops it."
trap 'bash deploy/local/stack.sh down; exit 0' INT TERM
while true; do sleep 3600; done
