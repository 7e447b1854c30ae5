#!/usr/bin/env bash
# `make demo`: set-up, the stack, the referentials, the four services, then the demo scenario.
# With DEMO_ONCE=1 it exits after the summary (status 0 only if the scenario's alerts arrived);
# otherwise the stack keeps serving until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python

STACK_SERVICES=0 bash deploy/local/stack.sh up
make -s migrate
# The services load the referential at start: import it first.
if [ -d ../shared/data/rome ]; then
  $PY -m shared.referential import-rome ../shared/data/rome
  $PY -m shared.referential import-communes ../shared/data/geo/communes_31.csv
else
  echo "../shared/data not found: importing the small fixture shipped with the project"
  $PY -m shared.referential import-fixture
fi
# The matcher reads trades against the ROME appellations' vectors: encoded once, with progress.
$PY -m services.matcher prepare
bash deploy/local/stack.sh services-up
status=0
$PY -m deploy.local.demo_scenario || status=$?

if [ "${DEMO_ONCE:-0}" = 1 ]; then exit "$status"; fi
echo
echo "Les services tournent ; e-mails reçus dans .stack/mail/. Ctrl-C arrête tout."
trap 'bash deploy/local/stack.sh down; exit 0' INT TERM
while true; do sleep 3600; done
