# The two commands that do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
ROME_DIR ?= ../shared/data/rome
COMMUNES_FILE ?= ../shared/data/geo/communes_31.csv

.PHONY: help setup prereqs stack-up stack-down stack-status migrate referential asyncapi \
        lint unit integration test demo clean-stack chaos bench audit compose-test

help:
	@echo "make demo        set up everything, start the stack and run the demo scenario"
	@echo "make test        lint, unit tests, then integration tests on the real stack"
	@echo "make setup       create .venv with every service's dependencies"
	@echo "make stack-up | stack-down | stack-status   Kafka, PostgreSQL and the services"
	@echo "make migrate     apply the SQL migrations, then the services' roles and grants"
	@echo "make referential import ROME 4.0 and the communes (ROME_DIR=, COMMUNES_FILE=)"
	@echo "make chaos       fault suite on the full stack (kills, restarts, poison, scale-out)"
	@echo "make bench       load benchmark: 10 + 10/s, 15 + 15/s, a 500-need CSV burst (BENCH_*=), results in bench/results/"
	@echo "make audit       pip-audit of the environment (ignores: deploy/pip-audit-ignore.txt)"
	@echo "make asyncapi    write the AsyncAPI documents under docs/asyncapi/"
	@echo "make compose-test  docker-compose.yml built and run with podman, the demo through it"

prereqs:
	@bash deploy/local/prereqs.sh

setup: prereqs
	@bash deploy/local/setup.sh

# Kafka and PostgreSQL first, then the referential the services load at start, then the
# services and the front door.
stack-up: setup
	@STACK_SERVICES=0 bash deploy/local/stack.sh up
	@bash deploy/local/referential.sh
	@bash deploy/local/stack.sh services-up

stack-down:
	@bash deploy/local/stack.sh down

stack-status:
	@bash deploy/local/stack.sh status

# As the owner (SPIE_DATABASE_URL): every schema and outbox, then one role per service
# (shared/db/catalog.py) with rights on its own schema only.
migrate: setup
	@$(PY) -m shared.db setup

referential: setup
	@$(PY) -m shared.referential import-rome $(ROME_DIR)
	@$(PY) -m shared.referential import-communes $(COMMUNES_FILE)
	@$(PY) -m services.matcher prepare

asyncapi: setup
	@bash deploy/asyncapi/generate.sh

lint: setup
	@$(PY) -m ruff check .
	@$(PY) -m mypy

unit: setup
	@$(PY) -m pytest tests/unit -q

integration: setup
	@bash deploy/local/test.sh integration

test: setup
	@bash deploy/local/test.sh all

chaos: setup
	@bash deploy/local/chaos.sh

BENCH_PROFILES ?= 100000
BENCH_DURATION ?= 300
BENCH_RATE ?= 10,15
BENCH_GRACE ?= 120
BENCH_BURST ?= 500
bench: setup
	@$(PY) bench/load.py --profiles $(BENCH_PROFILES) --duration $(BENCH_DURATION) \
	  --rate $(BENCH_RATE) --grace $(BENCH_GRACE) --burst $(BENCH_BURST)

audit: setup
	@bash deploy/audit.sh

demo: setup
	@bash deploy/local/demo.sh

# Not in `make test` (the first run builds every image for a long time): podman, the images
# from a debootstrap base, podman-compose up, the demo through the published ports, down.
# Needs .venv (make setup) but does not re-run it.
compose-test:
	@bash deploy/compose/test.sh

clean-stack: stack-down
	@# As root in a checkout the postgres user cannot enter, .stack/pg links to /var/tmp (stack.sh).
	if [ -L .stack/pg ]; then rm -rf "$$(readlink .stack/pg)"; fi
	rm -rf .stack
