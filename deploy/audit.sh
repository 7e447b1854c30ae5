#!/usr/bin/env bash
# `make audit`: pip-audit of the installed environment (every extra), --strict so that a package
# that could not be audited fails the run instead of passing silently; the IDs listed in
# deploy/pip-audit-ignore.txt (each with its reason) are ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
ignores=()
while read -r id _; do
  [ -n "$id" ] && ignores+=(--ignore-vuln "$id")
done < <(grep -v '^\s*#' deploy/pip-audit-ignore.txt | grep -v '^\s*$' || true)
exec .venv/bin/python -m pip_audit --local --strict --progress-spinner off "${ignores[@]}" "$@"
