#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: install what is needed, build, load a small
# multilingual sample into the default database and print what a support lead reads every
# morning: the open tickets, most urgent first, then the nightly summary of the last 24 hours
# (volumes, response and resolution times, SLA, satisfaction, preventable share, cost).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/release -j "$(nproc)" >/dev/null
export SVCMGR="$PWD/build/release/svcmgr"
bash scripts/load-sample.sh
echo
echo "Open tickets, $(date +%F):"
"$SVCMGR" ticket list status:active --sort -priority
echo
echo "The last 24 hours, by category and channel:"
"$SVCMGR" report summary --since 1d
