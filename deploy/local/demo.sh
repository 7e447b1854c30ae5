#!/usr/bin/env bash
# `make demo`: set-up, the stack, the referentials, the four services, then the demo scenario.
# With DEMO_ONCE=1 it exits after the summary (status 0 only if the scenario's alerts arrived);
# otherwise the stack keeps serving until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python

STACK_SERVICES=0 bash deploy/local/stack.sh up
make -s migrate
# The services load the referential at start: import it first (and the matcher's ROME vectors,
# encoded once, with progress).
bash deploy/local/referential.sh
bash deploy/local/stack.sh services-up
status=0
$PY -m deploy.local.demo_scenario || status=$?

if [ "${DEMO_ONCE:-0}" = 1 ]; then exit "$status"; fi
echo
echo "Les services tournent ; e-mails reçus dans .stack/mail/. Ctrl-C arrête tout."
trap 'bash deploy/local/stack.sh down; exit 0' INT TERM
while true; do sleep 3600; done
