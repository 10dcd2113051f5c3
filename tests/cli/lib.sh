# Harness for the black-box suites: sourced by tests/cli/test_*.sh, run by CTest.
#
#   begin "what this case checks"     starts a case
#   run svcmgr ARGS...                runs a command; stdout in $T/out, stderr in $T/err, status in $rc
#   run_in "stdin text" svcmgr ARGS   same, with standard input
#   expect_status N                   exit status
#   expect_out "exact stdout"         exact stdout (without the final newline, as $(...) gives it)
#   expect_err "exact stderr"         exact stderr
#   expect_err_contains TEXT          stderr contains TEXT
#   expect_eq ACTUAL EXPECTED [what]  any other equality
#   sql "SELECT ..."                  prints a query's result on the test database (sqlite3, or
#                                     psql when SVCMGR_TEST_DB is a PostgreSQL URI)
#   reset_db                          starts again from an empty database
#   on_postgres                       true when the suite runs against PostgreSQL
#   skip_suite "why"                  ends the suite with a SKIP line and exit status 0
#   scaled N                          N scaled by SVCMGR_TEST_SCALE (percent, default 100), at least 1
#   hold_write_lock                   another client holds the write lock until release_hold
#                                     (BEGIN IMMEDIATE; on PostgreSQL the writers' advisory lock)
#   hold_exclusive                    another client holds the whole database, so that even
#                                     opening it waits (SQLite EXCLUSIVE; on PostgreSQL a lock on
#                                     svcmgr_schema)
#   hold_open [FILE]                  another connection keeps FILE (default the test database)
#                                     open, and with it the -wal and -shm files (SQLite only)
#   release_hold                      ends the holder started by one of the three and waits for it
#   finish                            prints "N passed, M failed"; fails on a failure or no case
#
# Each suite runs in a fresh temporary directory with its own HOME and database. A failing suite
# keeps its directory and says where. SVCMGR_TEST_DB points the suite at another database.

set -u

: "${SVCMGR:?SVCMGR must name the svcmgr binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/svcmgr-test.XXXXXX")
chmod 0755 "$T"
cd "$T" || exit 1
mkdir -p home
export HOME="$T/home" TZ=UTC LC_ALL=C.UTF-8 SVCMGR_ACTOR=tester
unset XDG_DATA_HOME SVCMGR_FORMAT SVCMGR_BUSY_TIMEOUT NO_COLOR
export SVCMGR_DB="${SVCMGR_TEST_DB:-$T/svcmgr.db}"
# A PostgreSQL SVCMGR_TEST_DB (postgresql:///NAME?host=...) names a server: each suite gets a
# fresh database of its own there, dropped when the suite passes.
_pg_create_db() {
    psql "$SVCMGR_TEST_DB" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_TEST_DB" >/dev/null ||
        {
            echo "cannot create database $PG_TEST_DB on $SVCMGR_TEST_DB" >&2
            return 1
        }
    # The suites' own queries are written for sqlite3: give them its json_extract and
    # group_concat (svcmgr itself uses neither).
    psql "$SVCMGR_DB" -qAtX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE FUNCTION json_extract(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT jsonb_path_query_first($1::jsonb, $2::jsonpath) #>> '{}' $$;
CREATE FUNCTION group_concat_step(text, text, text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || $3 || $2 END $$;
CREATE FUNCTION group_concat_step(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT group_concat_step($1, $2, ',') $$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = group_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(text) (SFUNC = group_concat_step, STYPE = text);
CREATE FUNCTION group_concat_step(text, bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
    $$ SELECT group_concat_step($1, CAST($2 AS text), ',') $$;
CREATE AGGREGATE group_concat(bigint) (SFUNC = group_concat_step, STYPE = text);
SQL
}
PG_TEST_DB=""
case "$SVCMGR_DB" in
postgres://* | postgresql://*)
    PG_TEST_DB="svcmgr_test_$$_$(date +%s%N)"
    SVCMGR_DB=$(printf '%s' "$SVCMGR_TEST_DB" | sed -E "s|^(postgres(ql)?://[^/?]*)/?[^?]*|\1/$PG_TEST_DB|")
    export SVCMGR_DB
    _pg_create_db || exit 1
    ;;
esac
DB="$SVCMGR_DB"

passed=0
failed=0
case_name=""
case_failed=0

svcmgr() { "$SVCMGR" "$@"; }

_close_case() {
    if [ -n "$case_name" ]; then
        if [ "$case_failed" -eq 0 ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    fi
}

begin() {
    _close_case
    case_name="$1"
    case_failed=0
}

fail() {
    case_failed=1
    printf 'FAIL: %s: %s\n' "$case_name" "$1" >&2
    [ -s "$T/err" ] && printf '  stderr: %s\n' "$(head -c 600 "$T/err")" >&2
}

run() {
    "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}

run_in() {
    local input="$1"
    shift
    printf '%s' "$input" | "$@" >"$T/out" 2>"$T/err"
    rc=$?
}

out() { cat "$T/out"; }
err() { cat "$T/err"; }

expect_status() {
    [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"
}

expect_out() {
    local actual
    actual=$(cat "$T/out")
    [ "$actual" = "$1" ] || fail "stdout was:
$actual
expected:
$1"
}

expect_err() {
    local actual
    actual=$(cat "$T/err")
    [ "$actual" = "$1" ] || fail "stderr was: $actual; expected: $1"
}

expect_err_contains() {
    grep -qF -- "$1" "$T/err" || fail "stderr does not contain '$1'"
}

expect_eq() {
    [ "$1" = "$2" ] || fail "${3:-value} was '$1', expected '$2'"
}

# Whether the suite runs against PostgreSQL (a case that inspects the SQLite file skips itself).
on_postgres() { [ -n "$PG_TEST_DB" ]; }

if [ -n "$PG_TEST_DB" ]; then
    # psql prints booleans as t and f where sqlite3 prints 1 and 0.
    sql() {
        psql "$DB" -qAtX -F '|' -v ON_ERROR_STOP=1 -c "$1" |
            sed -E ':a; s/(^|\|)t(\||$)/\11\2/; ta; :b; s/(^|\|)f(\||$)/\10\2/; tb'
    }
else
    sql() { sqlite3 -batch "$DB" "$1"; }
fi

# Starts again from an empty database (a new file, or a new database on the server).
reset_db() {
    if [ -n "$PG_TEST_DB" ]; then
        psql "$SVCMGR_TEST_DB" -qAtX -c "DROP DATABASE IF EXISTS $PG_TEST_DB" >/dev/null
        _pg_create_db
    else
        rm -f "$DB" "$DB-wal" "$DB-shm"
    fi
}

# Ends a suite that cannot run here (on this backend, or without a tool) with a SKIP line.
skip_suite() {
    echo "SKIP: $1"
    [ -n "$PG_TEST_DB" ] && psql "$SVCMGR_TEST_DB" -qAtX -c "DROP DATABASE IF EXISTS $PG_TEST_DB" >/dev/null 2>&1
    rm -rf "$T"
    exit 0
}

# CTest sets SVCMGR_TEST_SCALE for the sanitizer build, so that the long suites run fewer rounds.
scaled() {
    local p=${SVCMGR_TEST_SCALE:-100}
    if ! [[ "$p" =~ ^[1-9][0-9]*$ ]] || [ "$p" -gt 100 ]; then
        echo "SVCMGR_TEST_SCALE must be a percentage from 1 to 100, not '$p'" >&2
        rm -rf "$T"
        exit 1
    fi
    local n=$(($1 * p / 100))
    echo $((n > 0 ? n : 1))
}

# The holders: a process that keeps its hold until the fifo $T/hold is closed by release_hold,
# and touches $T/held once it holds.
_await_hold() {
    _holder=$!
    exec 3>"$T/hold"
    for _ in $(seq 200); do [ -e "$T/held" ] && break; sleep 0.05; done
    [ -e "$T/held" ] || fail "the holder did not start"
}
# _hold_sqlite FILE PYTHON: runs PYTHON with `c`, a connection to FILE, then holds.
_hold_sqlite() {
    rm -f "$T/hold" "$T/held"
    mkfifo "$T/hold"
    python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
$2
open(sys.argv[2], 'w').close()
sys.stdin.read()
" "$1" "$T/held" <"$T/hold" &
    _await_hold
}
# _hold_postgres SQL: runs SQL in a transaction on the test database, then holds.
_hold_postgres() {
    rm -f "$T/hold" "$T/held"
    mkfifo "$T/hold"
    printf 'BEGIN;\n%s\n\\! touch %s\n' "$1" "$T/held" >"$T/hold.sql"
    cat "$T/hold.sql" - <"$T/hold" | psql "$DB" -qAtX -v ON_ERROR_STOP=1 >/dev/null &
    _await_hold
}
hold_write_lock() {
    if on_postgres; then
        _hold_postgres "SELECT pg_advisory_xact_lock(1398164807);"
    else
        _hold_sqlite "$DB" 'c.execute("BEGIN IMMEDIATE")'
    fi
}
hold_exclusive() {
    if on_postgres; then
        _hold_postgres "LOCK TABLE svcmgr_schema IN ACCESS EXCLUSIVE MODE;"
    else
        _hold_sqlite "$DB" 'c.execute("PRAGMA locking_mode = EXCLUSIVE")
c.execute("BEGIN EXCLUSIVE")
c.execute("SELECT count(*) FROM ticket").fetchall()'
    fi
}
hold_open() {
    _hold_sqlite "${1:-$DB}" 'c.execute("SELECT count(*) FROM ticket").fetchall()'
}
release_hold() {
    exec 3>&-
    wait "$_holder"
}

finish() {
    _close_case
    printf '%d passed, %d failed\n' "$passed" "$failed"
    if [ "$failed" -ne 0 ]; then
        echo "kept test files in $T" >&2
        exit 1
    fi
    if [ "$passed" -eq 0 ]; then
        echo "no test case ran" >&2
        exit 1
    fi
    if [ -n "$PG_TEST_DB" ]; then
        psql "$SVCMGR_TEST_DB" -qAtX -c "DROP DATABASE IF EXISTS $PG_TEST_DB" >/dev/null 2>&1
    fi
    rm -rf "$T"
}
