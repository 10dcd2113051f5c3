#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer on) into their own build directory and runs each one for a bounded
# time from its committed seed corpus. Fails on any crash, leak, timeout or sanitizer report.
# Installs nothing: it needs clang and libFuzzer (Debian 12: clang, libclang-rt-14-dev) besides
# svcmgr's own build dependencies.
#
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TOTAL_SECONDS  at most this many seconds for all the runs together (default: no limit):
#                  each target then gets the smaller of FUZZ_SECONDS and an equal share
#   FUZZ_BUILD     build directory (default build-fuzz in the source tree)
#   FUZZ_TARGETS   targets to run (default: every target with a seed corpus in
#                  tests/fuzz/corpus/<target>/)
#   FUZZ_JOBS      ninja jobs (default: ninja's choice)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
if [ -n "${FUZZ_TARGETS:-}" ]; then
    targets=$FUZZ_TARGETS
else
    targets=$(cd "$src/tests/fuzz/corpus" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
fi
[ -n "$targets" ] || { echo "fuzz: no targets" >&2; exit 1; }
if [ -n "${FUZZ_TOTAL_SECONDS:-}" ]; then
    share=$((FUZZ_TOTAL_SECONDS / $(wc -w <<<"$targets")))
    [ "$share" -ge "$seconds" ] || seconds=$((share > 0 ? share : 1))
fi
cxx=${FUZZ_CXX:-clang++}

for tool in "$cxx" cmake ninja; do
    command -v "$tool" >/dev/null || { echo "fuzz: $tool not found" >&2; exit 1; }
done

echo "fuzz: building in $build" >&2
cmake -S "$src" -B "$build" -G Ninja \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSVCMGR_FUZZ=ON -DSVCMGR_SANITIZE=ON -DSVCMGR_STATIC_DEPS=OFF -DBUILD_TESTING=OFF >/dev/null
# shellcheck disable=SC2086
ninja -C "$build" ${FUZZ_JOBS:+-j "$FUZZ_JOBS"} $targets

# Sanitizer reports are failures; a leak is one too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
for target in $targets; do
    corpus="$src/tests/fuzz/corpus/$target"
    [ -d "$corpus" ] || { echo "fuzz: no seed corpus $corpus" >&2; exit 1; }
    # New inputs go to a scratch copy, so the committed corpus stays as it is.
    work="$build/corpus/$target"
    mkdir -p "$work" "$build/artifacts"
    cp -f "$corpus"/* "$work"/
    echo "fuzz: $target for ${seconds}s" >&2
    if ! "$build/tests/fuzz/$target" "$work" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
        >"$build/$target.log" 2>&1; then
        echo "fuzz: $target FAILED; the input is in $build/artifacts/, the log in $build/$target.log:" >&2
        tail -n 40 "$build/$target.log" >&2
        status=1
        continue
    fi
    if grep -qE 'runtime error:|ERROR: (Address|Undefined|Leak)Sanitizer' "$build/$target.log"; then
        echo "fuzz: $target: sanitizer report in $build/$target.log" >&2
        status=1
        continue
    fi
    grep -E '^stat::number_of_executed_units' "$build/$target.log" | sed "s/^/fuzz: $target: /" >&2 || true
done
exit "$status"
