#!/usr/bin/env bash
# The test run of `make test` and CI: lint, unit tests, then the integration tiers on the real
# stack. Starts Kafka and PostgreSQL when none answers, and stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
what=${1:-all}
t0=$SECONDS

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
KAFKA_PORT=${SPIE_KAFKA_PORT:-9092}
PG_PORT=${SPIE_PG_PORT:-55432}
export SPIE_KAFKA_BOOTSTRAP=${SPIE_KAFKA_BOOTSTRAP:-127.0.0.1:$KAFKA_PORT}
export SPIE_DATABASE_URL=${SPIE_DATABASE_URL:-postgresql://postgres@127.0.0.1:$PG_PORT/spie}
# The local mail sink offers no TLS (the notifier's default is STARTTLS, required).
export SPIE_SMTP_TLS=${SPIE_SMTP_TLS:-none}
# The end-to-end and fault suites count each pair's e-mail as it arrives (one a pair, none sent
# twice after a kill): their services send each alert's e-mail when due, unspaced. The spacing
# of a référent's e-mails (60 s by default) is tested by tests/integration/notifier/
# test_digest.py, and the closed-folder demo below runs with it.
export SPIE_EMAIL_SPACING_SECONDS=${SPIE_EMAIL_SPACING_SECONDS:-0}

# pytest exits 5 when it collected nothing: that is a failure here too, never a silent pass.
run_pytest() { "$PY" -m pytest "$@"; }

if [ "$what" = all ]; then
  echo "== lint (ruff, mypy)"
  "$PY" -m ruff check .
  "$PY" -m mypy
  echo "== unit tests"
  run_pytest tests/unit -q
  echo "== dependency audit (pip-audit; skipped, with the reason, when its database is out of reach)"
  bash deploy/audit.sh
fi

started=0
if ! port_open "$KAFKA_PORT" || ! port_open "$PG_PORT"; then
  echo "== starting the stack for the integration tests"
  STACK_SERVICES=0 bash deploy/local/stack.sh up
  started=1
fi
# The end-to-end tests and the fault suite start the four services and the mail sink (stack.sh
# up): those are stopped at the end too, unless they ran before this script (a developer's stack
# is left as it was).
services_started=1
if bash deploy/local/stack.sh status | grep -qE '^(employer_intake|candidate_profile|matcher|notifier|actions) .* running '; then
  services_started=0
fi
stop_stack() {
  if [ "$started" = 1 ]; then bash deploy/local/stack.sh down
  elif [ "$services_started" = 1 ]; then bash deploy/local/stack.sh services-down; fi
}
trap stop_stack EXIT

echo "== referential (the services and their tests read it from PostgreSQL)"
SHARED_DATA=${SPIE_SHARED_DATA:-../shared/data}
"$PY" -m shared.referential import-rome "$SHARED_DATA/rome" | tail -n 3
"$PY" -m shared.referential import-communes "$SHARED_DATA/geo/communes_31.csv" | tail -n 3
echo "== matcher: the ROME appellations encoded once (then read from .cache/matcher)"
"$PY" -m services.matcher prepare

echo "== integration tests (real Kafka and PostgreSQL)"
run_pytest tests/integration -q -m "not recovery"
if compgen -G "tests/e2e/test_*.py" >/dev/null; then
  echo "== end-to-end tests (the services as separate processes)"
  run_pytest tests/e2e -q
fi
echo "== security: the attack suite against the four services on the real stack"
run_pytest tests/security -q
echo "== broker recovery (SIGKILL, then stack-up)"
run_pytest tests/integration -q -m recovery
if [ "${SPIE_CHAOS:-1}" = 1 ]; then
  # About 6 minutes on 2 cores (make test: ~12 in all): SPIE_CHAOS=0 skips it.
  bash deploy/local/chaos.sh
fi
if [ "$what" = all ] && [ "${SPIE_DEMO_CLOSED:-1}" = 1 ]; then
  # About 2 minutes: `DEMO_ONCE=1 make demo` from a clone inside a 0700 folder, on ports of
  # its own (as root, PostgreSQL's data then lives in /var/tmp); SPIE_DEMO_CLOSED=0 skips it.
  echo "== the demo from a clone in a folder only root can enter (deploy/local/demo_closed.sh)"
  env -u SPIE_EMAIL_SPACING_SECONDS bash deploy/local/demo_closed.sh  # the default spacing
fi
echo "== all tests passed in $((SECONDS - t0)) s"
