#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine, builds tzsim and runs the default
# scenario (the bundled test firmware: EL3 monitor, secure-EL1 and normal-EL1
# payloads, 1000 SMC round trips), printing a summary and writing tzsim.db.
# Extra arguments go to `tzsim run`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec build/sim/tzsim run scenarios/default.lua --db tzsim.db "$@"
