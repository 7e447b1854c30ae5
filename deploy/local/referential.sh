#!/usr/bin/env bash
# The referential the services load at start (ROME 4.0, communes of Haute-Garonne) into the
# stack's PostgreSQL, then the matcher's ROME vectors (encoded once, then read from .cache).
# Used by `make stack-up` and `make demo`; `make referential` takes ROME_DIR= / COMMUNES_FILE=.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
DATA=${SPIE_SHARED_DATA:-../shared/data}
if [ -d "$DATA/rome" ] && [ -f "$DATA/geo/communes_31.csv" ]; then
  $PY -m shared.referential import-rome "$DATA/rome" | tail -n 2
  $PY -m shared.referential import-communes "$DATA/geo/communes_31.csv" | tail -n 2
else
  echo "$DATA not found: importing the small fixture shipped with the project"
  $PY -m shared.referential import-fixture
fi
$PY -m services.matcher prepare
