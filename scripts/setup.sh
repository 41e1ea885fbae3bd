#!/usr/bin/env bash
# tzsim set-up for a fresh Debian bookworm machine.
#
# 1. Installs the Debian packages tzsim builds with (skipped when present).
# 2. Provides Unicorn >= 2.1: a system Unicorn if it is new enough, otherwise
#    Debian trixie's libunicorn2t64 + libunicorn-dev unpacked into
#    third_party/unicorn (git-ignored). Bookworm's 2.0.1 cannot be used; see
#    docs/architecture.md.
# 3. Optionally (--firmware) downloads Debian's real firmware packages into
#    third_party/firmware (git-ignored).
#
# The system's apt configuration is never changed: trixie packages are fetched
# with a private sources list whose mirror is read from the machine's own apt
# sources. No host name is written into this repository.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TP="$ROOT/third_party"
APTDIR="$TP/apt"
WITH_FIRMWARE=0
for a in "$@"; do
  case "$a" in
    --firmware) WITH_FIRMWARE=1 ;;
    *) echo "setup.sh: unknown option '$a'" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PKGS=(build-essential cmake pkg-config gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      libfdt-dev device-tree-compiler libcriterion-dev libsqlite3-dev sqlite3
      liblua5.4-dev libcapstone-dev ca-certificates debian-archive-keyring qemu-system-arm)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- the mirror, read from the machine's apt configuration -----------------
apt_mirror() {
  local f uri=""
  # deb822 sources first (bookworm's default), then one-line sources.
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk 'BEGIN{IGNORECASE=1} /^URIs:/{for(i=2;i<=NF;i++) if ($i !~ /security/) {print $i; exit}}' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '/^deb[ \t]/{for(i=2;i<=NF;i++){ if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; continue } if ($i !~ /security/) {print $i; exit} else break }}' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
}

private_apt() {
  # Private apt state for trixie downloads; never touches /etc/apt or /var/lib/apt.
  local mirror
  mirror="$(apt_mirror)"
  if [ -z "$mirror" ]; then
    echo "setup: cannot find a Debian mirror in /etc/apt/sources.list{,.d}" >&2
    exit 1
  fi
  mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/etc"
  # Signed by the Debian archive keys that bookworm already trusts.
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$APTDIR/etc/sources.list"
  APT_OPTS=(-o Dir::State::Lists="$APTDIR/lists" -o Dir::Etc::SourceList="$APTDIR/etc/sources.list"
            -o Dir::Etc::SourceParts=/dev/null -o Dir::State::status=/dev/null
            -o Dir::Cache="$APTDIR/cache" -o Debug::NoLocking=1
            -o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
  if [ ! -f "$APTDIR/.updated" ]; then
    apt-get "${APT_OPTS[@]}" update -qq
    touch "$APTDIR/.updated"
  fi
}

fetch_debs() { # dest pkg...
  local dest="$1"; shift
  mkdir -p "$dest/debs"
  (cd "$dest/debs" && apt-get "${APT_OPTS[@]}" download "$@")
  : > "$dest/manifest.txt"
  for d in "$dest"/debs/*.deb; do
    dpkg -x "$d" "$dest/root"
    # "path package version" for every file: tzsim records which Debian
    # package an image came from in the trace's meta table.
    local pkg ver
    pkg="$(dpkg-deb -f "$d" Package)"
    ver="$(dpkg-deb -f "$d" Version)"
    dpkg-deb -c "$d" | awk -v p="$pkg" -v v="$ver" '$1 ~ /^-/ {f=$NF; sub(/^\.\//, "", f); print f, p, v}' >> "$dest/manifest.txt"
  done
}

# --- Unicorn -----------------------------------------------------------------
sys_uc_ver="$(pkg-config --modversion unicorn 2>/dev/null || true)"
if [ -n "$sys_uc_ver" ] && dpkg --compare-versions "$sys_uc_ver" ge 2.1; then
  echo "setup: using system Unicorn $sys_uc_ver"
elif [ -f "$TP/unicorn/root/usr/include/unicorn/unicorn.h" ]; then
  echo "setup: Unicorn already in $TP/unicorn"
else
  echo "setup: system Unicorn is '${sys_uc_ver:-absent}', fetching Debian trixie's 2.1.x"
  private_apt
  rm -rf "$TP/unicorn"
  fetch_debs "$TP/unicorn" libunicorn2t64:amd64 libunicorn-dev:amd64
fi

if [ "$WITH_FIRMWARE" = 1 ] && [ ! -f "$TP/firmware/manifest.txt" ]; then
  rm -f "$TP/firmware/.done"
fi
if [ "$WITH_FIRMWARE" = 1 ] && [ ! -f "$TP/firmware/.done" ]; then
  private_apt
  rm -rf "$TP/firmware"
  fetch_debs "$TP/firmware" optee-os:arm64 arm-trusted-firmware:arm64
  touch "$TP/firmware/.done"
fi
echo "setup: done"
