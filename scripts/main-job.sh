#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: install what is needed, build, load a small
# multilingual sample into the default database and print what a support lead reads every
# morning: the open tickets, most urgent first.
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
