#!/usr/bin/env bash
# Writes docs/asyncapi/<name>.json for the topic catalogue and each service's FastStream app.
set -euo pipefail
cd "$(dirname "$0")/../.."
FS=.venv/bin/faststream
mkdir -p docs/asyncapi
"$FS" docs gen deploy.asyncapi.catalog:app --out docs/asyncapi/catalog.json
for app in services/*/entrypoints/app.py; do
  [ -e "$app" ] || continue
  name=$(basename "$(dirname "$(dirname "$app")")")
  "$FS" docs gen "services.$name.entrypoints.app:create_asyncapi_app" --factory \
    --out "docs/asyncapi/$name.json"
done
ls -1 docs/asyncapi/*.json
