#!/usr/bin/env bash
# Runs the reference firmware + Debian's OP-TEE 4.5 + nwd (what
# scenarios/optee.lua runs in tzsim) on Debian's QEMU, for the differential
# check of tests/integration/test_qemu_diff.c. See docs/differential.md.
#
#   tests/differential/run_qemu.sh OUTDIR
#
# Environment (all optional):
#   TZSIM_FW_DIR   installed firmware (default: build/firmware): needs
#                  monitor/monitor.elf, nwd/nwd.elf, qemu-boot/qemu-boot.elf
#   OPTEE_DIR      Debian's optee-os images (default:
#                  third_party/firmware/root/usr/lib/optee/vexpress-qemu_armv8a)
#   QEMU           the emulator (default: qemu-system-aarch64)
#   QEMU_TIMEOUT   seconds before QEMU is killed (default: 60)
#   CROSS          binutils prefix (default: aarch64-linux-gnu-)
#
# 1. Builds OUTDIR/flash.bin, the 64 MiB secure flash: the boot stub
#    (firmware/qemu-boot) at 0, its copy table at 0x1000, then every PT_LOAD
#    segment of monitor.elf and nwd.elf, OP-TEE's pager at the load address
#    its header gives, and the boot handoff (docs/handoff.md) -- the same
#    images, addresses and handoff as scenarios/optee.lua. The device tree at
#    0x40000000 is QEMU's own (QEMU puts it at the start of RAM when it boots
#    firmware from flash).
# 2. Runs QEMU: virt, secure=on, GICv3, EL2, one Cortex-A57, 1 GiB, no
#    randomness in the device tree, UART0 (non-secure) -> OUTDIR/ns.log,
#    UART1 (secure) -> OUTDIR/s.log, `-d int` -> OUTDIR/qemu-int.log.
#    The firmware powers off through the secure PL061 (line 0).
# 3. Normalises:
#    OUTDIR/uart0.txt, uart1.txt  console lines, carriage returns removed
#    OUTDIR/exc.txt               one line per exception entry or return:
#        E <class> <from_el> <to_el> <esr|-> <elr> <vector> [far=<far>]
#        R <from_el> <to_el> <pc>
#      class: sync irq fiq serror; esr for synchronous exceptions only; elr
#      is the preferred return address, vector the handler's address; far
#      when QEMU sets it (aborts, PC alignment, watchpoints). Numbers in
#      lower-case hex without 0x, ELs in decimal.
# Exit status: 0 when QEMU powered off by itself, 1 otherwise (2 bad input).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: run_qemu.sh OUTDIR}"
FW="${TZSIM_FW_DIR:-$ROOT/build/firmware}"
OPTEE_DIR="${OPTEE_DIR:-$ROOT/third_party/firmware/root/usr/lib/optee/vexpress-qemu_armv8a}"
QEMU="${QEMU:-qemu-system-aarch64}"
QEMU_TIMEOUT="${QEMU_TIMEOUT:-60}"
CROSS="${CROSS:-aarch64-linux-gnu-}"

die() { echo "run_qemu.sh: $*" >&2; exit 2; }
for f in "$FW/qemu-boot/qemu-boot.elf" "$FW/monitor/monitor.elf" "$FW/nwd/nwd.elf" \
         "$OPTEE_DIR/tee-header_v2.bin" "$OPTEE_DIR/tee-pager_v2.bin"; do
  [ -f "$f" ] || die "missing $f"
done
command -v "$QEMU" >/dev/null || die "no $QEMU (scripts/setup.sh installs qemu-system-arm)"
command -v "${CROSS}readelf" >/dev/null || die "no ${CROSS}readelf"
mkdir -p "$OUT"
FLASH="$OUT/flash.bin"

# ---- the flash image ---------------------------------------------------------
FLASH_SIZE=$((64 << 20))
TABLE=0x1000            # firmware/qemu-boot/start.S: QB_TABLE
QB_MAGIC=0x42515a54     # "TZQB"
HANDOFF_ADDR=0x0e0ff000 # the monitor's MON_HANDOFF_ADDR
rm -f "$FLASH"
truncate -s "$FLASH_SIZE" "$FLASH"

# le N VALUE: VALUE as N little-endian bytes on stdout
le() {
  local n=$1 v=$(($2)) i s=""
  for ((i = 0; i < n; i++)); do s+=$(printf '\\x%02x' $(((v >> (8 * i)) & 0xff))); done
  printf '%b' "$s"
}
# put OFFSET: stdin into the flash at OFFSET
put() { dd of="$FLASH" bs=4096 seek="$(($1))" oflag=seek_bytes conv=notrunc status=none; }
# copy FILE SKIP LEN OFFSET: LEN bytes of FILE from SKIP into the flash at OFFSET
copy() {
  dd if="$1" of="$FLASH" bs=65536 skip="$(($2))" count="$(($3))" seek="$(($4))" \
     iflag=skip_bytes,count_bytes oflag=seek_bytes conv=notrunc status=none
}

next_free=0x10000       # blobs after the stub and its table, 4 KiB aligned
entries=()              # "dst src len" triples for the copy table
# blob DST FILE SKIP LEN: LEN bytes of FILE from SKIP, to be copied to DST
blob() {
  local dst=$(($1)) file=$2 skip=$(($3)) len=$(($4)) src=$((next_free))
  local padded=$(((len + 7) & ~7))
  ((len > 0)) || return 0
  ((dst % 8 == 0)) || die "$file: segment at $(printf 0x%x $dst) is not 8-byte aligned"
  copy "$file" "$skip" "$len" "$src"
  entries+=("$dst $src $padded")
  next_free=$(((src + padded + 4095) & ~4095))
  ((next_free <= FLASH_SIZE)) || die "the images do not fit the 64 MiB flash"
}
# elf FILE: its PT_LOAD segments (file bytes; the rest of memsz stays 0,
# as RAM is zero at power-on in QEMU and in tzsim). The stub copies whole
# 8-byte words, in table order: a segment's last word is completed with
# zeros, and a following segment of the same image that shares that word is
# copied after it (readelf lists segments in ascending address order).
elf() {
  local off paddr filesz
  while read -r off paddr filesz; do
    blob "$paddr" "$1" "$off" "$filesz"
  done < <("${CROSS}readelf" -lW "$1" | awk '$1 == "LOAD" { print $2, $4, $5 }')
}

# The stub itself, at 0 (its ELF has one segment, linked at 0).
read -r s_off s_addr s_size < <("${CROSS}readelf" -lW "$FW/qemu-boot/qemu-boot.elf" |
                                 awk '$1 == "LOAD" { print $2, $4, $5; exit }')
((s_addr == 0)) || die "qemu-boot.elf is not linked at 0"
copy "$FW/qemu-boot/qemu-boot.elf" "$s_off" "$s_size" 0

# The monitor first (its entry is where the stub jumps), then OP-TEE, nwd.
elf "$FW/monitor/monitor.elf"
MON_ENTRY=$("${CROSS}readelf" -hW "$FW/monitor/monitor.elf" | awk '/Entry point/ { print $4 }')

# OP-TEE: tee-header_v2.bin (TF-A's optee_utils.h): magic "OPTE", version 2,
# arch, flags, nb_images, then {load_addr_hi, load_addr_lo, image_id, size}.
read -r magic ver nimg hi lo id size < <(od -An -tu4 -w28 -v "$OPTEE_DIR/tee-header_v2.bin" |
  awk '{ printf "%d %d %d %d %d %d %d\n", $1, $2 % 256, $3, $4, $5, $6, $7 }')
((magic == 0x4554504f && ver == 2 && nimg == 1 && id == 0)) ||
  die "tee-header_v2.bin: not a one-image OP-TEE v2 header"
OPTEE_ADDR=$(((hi << 32) | lo))
[ "$(stat -c %s "$OPTEE_DIR/tee-pager_v2.bin")" -eq "$size" ] || die "tee-pager_v2.bin: size differs from the header"
blob "$OPTEE_ADDR" "$OPTEE_DIR/tee-pager_v2.bin" 0 "$size"

elf "$FW/nwd/nwd.elf"
NWD_ENTRY=$("${CROSS}readelf" -hW "$FW/nwd/nwd.elf" | awk '/Entry point/ { print $4 }')

# The handoff, as scenarios/optee.lua declares it (docs/handoff.md).
words=(0x4f485a54 1 0x50 0)
for q in "$OPTEE_ADDR" 0 "$NWD_ENTRY" 1 0x40000000 0x40000000 0 0; do
  words+=($((q & 0xffffffff)) $(((q >> 32) & 0xffffffff)))
done
sum=0
for w in "${words[@]}"; do sum=$(((sum + w) & 0xffffffff)); done
words[3]=$(((-sum) & 0xffffffff))
for w in "${words[@]}"; do le 4 "$w"; done > "$OUT/handoff.bin"
blob "$HANDOFF_ADDR" "$OUT/handoff.bin" 0 0x50

{ le 4 $QB_MAGIC; le 4 ${#entries[@]}; le 8 "$MON_ENTRY"
  for e in "${entries[@]}"; do
    read -r dst src len <<< "$e"; le 8 "$dst"; le 8 "$src"; le 8 "$len"
  done
} | put $TABLE

# ---- QEMU --------------------------------------------------------------------
rm -f "$OUT"/ns.log "$OUT"/s.log "$OUT"/qemu-int.log
rc=0
timeout --kill-after=5 "$QEMU_TIMEOUT" "$QEMU" \
  -M virt,secure=on,gic-version=3,virtualization=on,dtb-randomness=off \
  -cpu cortex-a57 -smp 1 -m 1G -icount shift=0 \
  -nographic -monitor none -nic none -no-reboot \
  -drive if=pflash,format=raw,unit=0,readonly=on,file="$FLASH" \
  -serial file:"$OUT/ns.log" -serial file:"$OUT/s.log" \
  -d int -D "$OUT/qemu-int.log" </dev/null >"$OUT/qemu.out" 2>&1 || rc=$?

# ---- normalise -----------------------------------------------------------------
for u in 0 1; do
  f="$OUT/ns.log"; [ $u = 1 ] && f="$OUT/s.log"
  tr -d '\r' < "$f" > "$OUT/uart$u.txt" 2>/dev/null || : > "$OUT/uart$u.txt"
done
# QEMU 7.2 target/arm/helper.c and op_helper.c (-d int):
#   Taking exception N [NAME] on CPU C
#   ...from ELa to ELb
#   ...with ESR 0xEC/0xSYNDROME          (synchronous exceptions only)
#   ...with FAR 0x...                    (aborts)
#   ...with ELR 0x...
#   ...to EL3 PC 0x... PSTATE 0x...
#   Exception return from AArch64 ELa to AArch64 ELb PC 0x...
awk '
  function hex(s) { sub(/^0x/, "", s); s = tolower(s); sub(/^0+/, "", s); return s == "" ? "0" : s }
  function flush() {
    if (open) printf "E %s %s %s %s %s %s%s\n", cls, from, to, esr, elr, vec, far
    open = 0
  }
  /^Taking exception/ {
    flush(); open = 1; esr = "-"; elr = "?"; from = "?"; to = "?"; vec = "?"; far = ""
    name = $0; sub(/^[^[]*\[/, "", name); sub(/\].*$/, "", name)
    cls = "sync"
    if (name ~ /IRQ/) cls = "irq"; else if (name ~ /FIQ/) cls = "fiq"
    else if (toupper(name) ~ /SERROR/) cls = "serror"
    next
  }
  open && /^\.\.\.from EL/ { from = substr($2, 3); to = substr($4, 3); next }
  open && /^\.\.\.with ESR/ { split($3, p, "/"); esr = hex(p[2]); next }
  open && /^\.\.\.with ELR/ { elr = hex($3); next }
  open && /^\.\.\.with FAR/ { far = " far=" hex($3); next }
  open && /^\.\.\.to EL/ { vec = hex($4); flush(); next }
  /^Exception return from AArch64/ {
    flush(); printf "R %s %s %s\n", substr($5, 3), substr($8, 3), hex($10); next
  }
  END { flush() }
' "$OUT/qemu-int.log" > "$OUT/exc.txt"

if [ "$rc" -ne 0 ]; then
  echo "run_qemu.sh: QEMU did not power off by itself (exit $rc; 124 = killed after ${QEMU_TIMEOUT}s)" >&2
  exit 1
fi
exit 0
