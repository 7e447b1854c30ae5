#!/usr/bin/env bash
# `make chaos`: the fault suite (tests/chaos) on the full local stack — the four services as
# processes, Kafka, PostgreSQL and the mail sink — on the ports of SPIE_* (defaults otherwise).
# Each scenario prints its recovery time; the total is printed at the end. The stack stays up
# (it was either already running or started here; `make stack-down` stops it).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
t0=$SECONDS
KAFKA_PORT=${SPIE_KAFKA_PORT:-9092}
PG_PORT=${SPIE_PG_PORT:-55432}
export SPIE_KAFKA_BOOTSTRAP=${SPIE_KAFKA_BOOTSTRAP:-127.0.0.1:$KAFKA_PORT}
export SPIE_DATABASE_URL=${SPIE_DATABASE_URL:-postgresql://postgres@127.0.0.1:$PG_PORT/spie}
export SPIE_SMTP_TLS=${SPIE_SMTP_TLS:-none}  # the local mail sink offers no TLS
echo "== fault suite (SIGKILL services, Kafka and PostgreSQL restarts, poison, scale-out)"
# Arguments, if any, pick the tests (e.g. tests/chaos/test_poison.py); default: all of them.
"$PY" -m pytest -m chaos -s -q -p no:cacheprovider "${@:-tests/chaos}"
echo "== fault suite passed in $((SECONDS - t0)) s"
