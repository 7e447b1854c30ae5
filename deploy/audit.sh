#!/usr/bin/env bash
# `make audit` (and `make test`): pip-audit of the installed environment (every extra), --strict
# so that a package that could not be audited fails the run instead of passing silently; the
# IDs listed in deploy/pip-audit-ignore.txt (each with its reason) are ignored.
#
# The vulnerability database is asked first (AUDIT_SERVICE: pypi, the default, or osv). When it
# cannot be reached (no network, or a package mirror that serves /simple only), the audit is
# skipped with the reason printed and exit 0, unless AUDIT_REQUIRED=1 (CI with network: a skip
# is then a failure). A vulnerability found always fails. AUDIT_PROBE_URL replaces the address
# asked (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SERVICE=${AUDIT_SERVICE:-pypi}
TIMEOUT=${AUDIT_PROBE_TIMEOUT:-10}

# Asks the database about pip itself, the way pip-audit asks about each package; prints why not.
unreachable_because() {
  local version url code
  version=$("$PY" -c 'import importlib.metadata as m; print(m.version("pip"))' 2>/dev/null || echo 24.0)
  case $SERVICE in
    pypi) url=${AUDIT_PROBE_URL:-https://pypi.org/pypi/pip/$version/json}
          code=$(curl -sS -o /dev/null -w '%{http_code}' -m "$TIMEOUT" "$url" 2>&1) || true ;;
    osv) url=${AUDIT_PROBE_URL:-https://api.osv.dev/v1/query}
         code=$(curl -sS -o /dev/null -w '%{http_code}' -m "$TIMEOUT" -H 'Content-Type: application/json' \
           -d "{\"package\": {\"name\": \"pip\", \"ecosystem\": \"PyPI\"}, \"version\": \"$version\"}" "$url" 2>&1) || true ;;
    *) echo "AUDIT_SERVICE=$SERVICE is neither pypi nor osv"; return 0 ;;
  esac
  [ "$code" = 200 ] && return 1
  case $code in
    [0-9][0-9][0-9]) echo "the $SERVICE vulnerability database ($url) answered HTTP $code" ;;
    *) code=${code%000}; echo "the $SERVICE vulnerability database ($url) could not be reached: ${code//$'\n'/ }" ;;
  esac
}

if why=$(unreachable_because); then
  echo "audit skipped: $why"
  if [ "${AUDIT_REQUIRED:-0}" = 1 ]; then echo "AUDIT_REQUIRED=1: a skipped audit fails" >&2; exit 1; fi
  exit 0
fi

ignores=()
while read -r id _; do
  [ -n "$id" ] && ignores+=(--ignore-vuln "$id")
done < <(grep -v '^\s*#' deploy/pip-audit-ignore.txt | grep -v '^\s*$' || true)
echo "audit: pip-audit --strict against the $SERVICE vulnerability database"
# --skip-editable: this project itself (installed editable) is not on PyPI.
exec "$PY" -m pip_audit --local --strict --skip-editable --progress-spinner off \
  --vulnerability-service "$SERVICE" "${ignores[@]}" "$@"
