#!/usr/bin/env bash
# Installs the Debian 12 packages svcmgr needs to build and test, skipping those already present.
# Runs as root (CI) or through sudo.
set -euo pipefail

packages=(
    # build
    g++ cmake ninja-build pkg-config
    libcli11-dev libfmt-dev libsqlite3-dev doctest-dev nlohmann-json3-dev
    libhowardhinnant-date-dev libutf8proc-dev nettle-dev tzdata
    # calendar holiday import: iCalendar files (.ics) read with libical
    libical-dev
    # the PostgreSQL driver: libpq's header at build time; libpq5 is loaded only when used
    libpq-dev libpq5
    # tests and checks
    sqlite3 faketime python3 clang-format util-linux bsdutils
    # fuzzing (scripts/fuzz.sh): clang and its libFuzzer and sanitizer runtimes
    clang libclang-rt-14-dev
    # completions and man pages, checked with the real shells and formatters
    bash bash-completion zsh fish tmux shellcheck mandoc man-db groff-base
    # the PostgreSQL backend's tests: a throwaway server (scripts/pg-cluster.sh) and psql
    postgresql postgresql-client
    # CSV export opened by a real spreadsheet (tests/cli/test_csv_libreoffice.sh)
    libreoffice-calc-nogui python3-openpyxl
    # public holidays from an independent source, written as .ics (tests/cli/test_calendar_ics.sh)
    python3-holidays python3-icalendar
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
