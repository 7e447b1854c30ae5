#!/usr/bin/env bash
# Podman on this kind of machine (Debian bookworm, as root, no image registry reachable), for
# deploy/compose/test.sh; each step is skipped when already done.
#
#   bash deploy/compose/podman.sh install   podman, runc, debootstrap... and containers.conf
#   bash deploy/compose/podman.sh base      the base image (debootstrap bookworm + Python 3.11)
#
# crun refuses this VM's mixed cgroups (runc), and the default ulimits exceed what root may
# set here: hence /etc/containers/containers.conf. Images are made from a Debian bookworm
# base of our own (debootstrap from the mirror apt uses) carrying the host's CA bundle, so that
# pip, apt and Maven work inside builds behind the same authorities as the host.
set -euo pipefail

BASE_IMAGE=${SPIE_BASE_IMAGE:-localhost/spie31-base:bookworm}
CONF=/etc/containers/containers.conf
HOST_CA=${HOST_CA:-/etc/ssl/certs/ca-certificates.crt}
say() { printf 'podman: %s\n' "$*"; }
die() { printf 'podman: error: %s\n' "$*" >&2; exit 1; }

install() {
  local pkgs=() p
  for p in podman runc debootstrap uidmap slirp4netns fuse-overlayfs netavark aardvark-dns iptables; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || pkgs+=("$p")
  done
  if [ ${#pkgs[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing packages: ${pkgs[*]} (sudo apt-get install ${pkgs[*]})"
    say "installing ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    nice -n 15 apt-get update -qq
    nice -n 15 apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
  if ! grep -qs '^runtime *= *"runc"' "$CONF"; then
    [ "$(id -u)" = 0 ] || die "$CONF must say runtime = \"runc\" (as root: bash $0 install)"
    [ -f "$CONF" ] && cp "$CONF" "$CONF.before-spie"
    mkdir -p "$(dirname "$CONF")"
    cat > "$CONF" <<'CONF'
# Written by deploy/compose/podman.sh (the previous file, if any: containers.conf.before-spie).
[containers]
# What root may set on this VM (podman's defaults ask for more and every container fails).
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
# crun refuses the VM's mixed cgroup hierarchy; runc and cgroupfs work.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
helper_binaries_dir = ["/usr/lib/podman", "/usr/libexec/podman", "/usr/local/libexec/podman"]

[network]
# netavark + aardvark-dns: compose services find each other by name.
network_backend = "netavark"
CONF
    say "wrote $CONF"
  fi
}

# The Debian mirror apt uses on the host (deb822 sources first, then sources.list).
mirror() {
  local m
  m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '$1 == "deb" && $0 ~ /debian/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  echo "${m:-http://deb.debian.org/debian}"
}

base() {
  if podman image exists "$BASE_IMAGE"; then say "base image $BASE_IMAGE present"; return 0; fi
  [ -s "$HOST_CA" ] || die "no CA bundle at $HOST_CA"
  local root m t0=$SECONDS
  m=$(mirror)
  root=$(mktemp -d /var/tmp/spie-base.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$root'" RETURN
  say "debootstrap --variant=minbase bookworm from $m (about a minute)"
  local log=/var/tmp/spie-debootstrap.log
  nice -n 15 debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$m" \
    > "$log" 2>&1 || { tail -20 "$log" >&2; die "debootstrap failed ($log)"; }
  cat > "$root/etc/apt/sources.list" <<SRC
deb $m bookworm main
deb $m bookworm-updates main
deb ${m%/debian}/debian-security bookworm-security main
SRC
  # Python inside the new root with its own apt (debootstrap's --include fails on the order
  # in which python3.11-venv's dependencies are configured).
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  { chroot "$root" apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive nice -n 15 chroot "$root" apt-get install -y -qq \
       --no-install-recommends python3.11 python3.11-venv curl; } >> "$log" 2>&1 \
    || { tail -20 "$log" >&2; die "apt-get inside the new root failed ($log)"; }
  rm -f "$root/etc/resolv.conf"
  # The host's authorities, so that TLS to the registries works inside builds as on the host.
  cp "$HOST_CA" "$root/etc/ssl/certs/ca-certificates.crt"
  ln -sf /usr/bin/python3.11 "$root/usr/local/bin/python"
  ln -sf /usr/bin/python3.11 "$root/usr/local/bin/python3"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  local ca=/etc/ssl/certs/ca-certificates.crt
  tar -C "$root" -c . | nice -n 15 podman import \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change "ENV SSL_CERT_FILE=$ca" --change "ENV PIP_CERT=$ca" \
    --change "ENV REQUESTS_CA_BUNDLE=$ca" \
    --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  say "base image $BASE_IMAGE made in $((SECONDS - t0)) s ($(podman image inspect -f '{{.Size}}' "$BASE_IMAGE" | numfmt --to=iec))"
}

case ${1:-} in
  install) install ;;
  base) base ;;
  *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
