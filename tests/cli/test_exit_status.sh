#!/usr/bin/env bash
# The exit status table of DESIGN.md section 7 for the failures every command shares: usage
# errors, write errors on stdout, a busy database.
. "$(dirname "$0")/lib.sh"

"$SVCMGR" ticket add "Invoice charged twice" --customer "Åsa Öberg" >/dev/null

begin "success is 0"
run svcmgr ticket list --format tsv --columns id
expect_status 0
expect_out "1"
expect_err ""

begin "an unknown command exits 2"
run svcmgr frobnicate
expect_status 2
expect_out ""
expect_err_contains "svcmgr: error: "
expect_err_contains "frobnicate"

begin "an unknown verb exits 2"
run svcmgr ticket frobnicate
expect_status 2
expect_err_contains "frobnicate"

begin "an unknown option exits 2"
run svcmgr ticket list --frobnicate
expect_status 2
expect_err_contains "--frobnicate"

begin "a missing verb exits 2 and lists the verbs"
run svcmgr ticket
expect_status 2
expect_out ""
expect_err "svcmgr: error: ticket needs a verb
hint: verbs: add, list, show, update, comment, start, wait, resolve, close, reopen, need, export, import, events"

begin "config without a verb exits 2"
run svcmgr config
expect_status 2
expect_err "svcmgr: error: config needs a verb
hint: verbs: list, get, set, unset, export, import"

begin "no command at all exits 2"
run svcmgr
expect_status 2
expect_err_contains "svcmgr: error: a command is required"

begin "a missing required argument exits 2 with a lowercase message"
run svcmgr config get
expect_status 2
expect_err "svcmgr: error: key is required
hint: see svcmgr --help"

begin "an option missing its value exits 2"
run svcmgr ticket list --format
expect_status 2
expect_err_contains "--format"

begin "invalid UTF-8 in an argument exits 2"
run svcmgr ticket add "$(printf 'bad \xff title')" --customer "A"
expect_status 2
expect_err_contains "not valid UTF-8"
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "1" "tickets"

begin "--help exits 0 on stdout"
run svcmgr --help
expect_status 0
grep -q 'Usage' "$T/out" || fail "no usage on stdout"

begin "--version exits 0 on stdout"
run svcmgr --version
expect_status 0
grep -qE '^svcmgr [0-9]+\.[0-9]+\.[0-9]+$' "$T/out" || fail "version was: $(out)"

# 74: write errors on stdout.
begin "ticket list > /dev/full exits 74"
"$SVCMGR" ticket list >/dev/full 2>"$T/err"
rc=$?
expect_status 74
expect_err "svcmgr: error: write error: No space left on device"

begin "every format reports a write error"
for format in table csv tsv json jsonl; do
    "$SVCMGR" ticket list --format "$format" >/dev/full 2>"$T/err"
    rc=$?
    expect_status 74
    expect_err "svcmgr: error: write error: No space left on device"
done

begin "a write's id lost to /dev/full exits 74, but the write is committed"
"$SVCMGR" ticket add "Second" --customer "Jüri" >/dev/full 2>"$T/err"
rc=$?
expect_status 74
expect_err "svcmgr: error: write error: No space left on device"
expect_eq "$(sql 'SELECT title FROM ticket WHERE id = 2')" "Second" "committed ticket"

begin "config list > /dev/full exits 74"
"$SVCMGR" config list >/dev/full 2>"$T/err"
rc=$?
expect_status 74

begin "a closed pipe ends quietly"
"$SVCMGR" config list --format tsv 2>"$T/err" | head -1 >/dev/null
expect_eq "$(cat "$T/err")" "" "stderr"

# 75: a database busy past --busy-timeout. Another client holds the write lock (hold_write_lock,
# lib.sh).
begin "a write blocked past --busy-timeout exits 75 and writes nothing"
hold_write_lock
start=$(date +%s%N)
run svcmgr --busy-timeout 200ms ticket add "Blocked" --customer "Putu"
elapsed=$((($(date +%s%N) - start) / 1000000))
release_hold
expect_status 75
expect_out ""
expect_err "svcmgr: error: database $DB: busy past the timeout
hint: another svcmgr is writing; try again, or raise --busy-timeout"
[ "$elapsed" -ge 200 ] || fail "gave up after ${elapsed}ms, before the timeout"
[ "$elapsed" -lt 4000 ] || fail "waited ${elapsed}ms, not the 200ms asked"
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "2" "tickets"
expect_eq "$(sql "SELECT count(*) FROM customer WHERE name = 'Putu'")" "0" "customers"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE change LIKE '%Blocked%'")" "0" "audit rows"

begin "SVCMGR_BUSY_TIMEOUT sets the timeout"
hold_write_lock
start=$(date +%s%N)
run env SVCMGR_BUSY_TIMEOUT=300ms "$SVCMGR" config set currency SEK
elapsed=$((($(date +%s%N) - start) / 1000000))
release_hold
expect_status 75
[ "$elapsed" -ge 300 ] || fail "gave up after ${elapsed}ms"
expect_eq "$(sql 'SELECT count(*) FROM setting')" "0" "settings"

begin "--busy-timeout beats SVCMGR_BUSY_TIMEOUT"
hold_write_lock
start=$(date +%s%N)
run env SVCMGR_BUSY_TIMEOUT=30s "$SVCMGR" config set currency SEK --busy-timeout 100ms
elapsed=$((($(date +%s%N) - start) / 1000000))
release_hold
expect_status 75
[ "$elapsed" -lt 4000 ] || fail "waited ${elapsed}ms: SVCMGR_BUSY_TIMEOUT won"

begin "reads are not blocked by a writer"
hold_write_lock
run svcmgr --busy-timeout 100ms ticket list --format tsv --columns id
release_hold
expect_status 0
expect_out "$(printf '1\n2')"

begin "a write waits for a lock released within the timeout"
hold_write_lock
(sleep 0.3 && exec 3>&-) &
exec 3>&-
run svcmgr --busy-timeout 10s ticket add "Waited" --customer "Putu"
release_hold
expect_status 0
expect_out "3"

finish
