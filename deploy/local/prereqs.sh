#!/usr/bin/env bash
# Checks (and, as root on Debian/Ubuntu, installs) the system parts the local stack needs:
# Python 3.11, Java 17+, Maven, PostgreSQL 15, Chromium (browser test),
# nginx (the front door), Pango and DejaVu fonts (the passeport's PDF). Otherwise says exactly what is missing.
set -euo pipefail

missing=()
need_python() { command -v python3.11 >/dev/null || python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; }
need_python || missing+=("python3.11:python3.11 python3.11-venv")
command -v java >/dev/null || missing+=("java:openjdk-17-jre-headless")
command -v mvn >/dev/null || missing+=("mvn:maven")
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=("postgresql-15:postgresql-15")
command -v curl >/dev/null || missing+=("curl:curl")
# The inbox's browser test drives Debian's Chromium (no browser download by Playwright).
[ -x /usr/bin/chromium ] || missing+=("chromium:chromium")
# npm installs axe-core for the browser tests' accessibility checks (tests/e2e/package.json).
command -v npm >/dev/null || missing+=("npm:npm")
# The front door of the pages (deploy/local/front.conf.template).
[ -x /usr/sbin/nginx ] || missing+=("nginx:nginx")
# The passeport's PDF (WeasyPrint): Pango and a font family.
[ -e /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 ] || [ -n "$(ls /usr/lib/*/libpango-1.0.so.0 2>/dev/null)" ] || missing+=("pango:libpango-1.0-0 libpangoft2-1.0-0")
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=("fonts:fonts-dejavu-core")

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

pkgs=""
for m in "${missing[@]}"; do pkgs="$pkgs ${m#*:}"; done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages:$pkgs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $pkgs
  # Debian's package starts a cluster of its own on 5432; the project runs its own on 55432.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | while read -r v c; do
      pg_ctlcluster "$v" "$c" stop 2>/dev/null || true
    done
  fi
else
  echo "Missing system parts:"
  for m in "${missing[@]}"; do echo "  - ${m%%:*}  (Debian/Ubuntu: sudo apt-get install ${m#*:})"; done
  exit 1
fi
