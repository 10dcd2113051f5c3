#!/usr/bin/env bash
# Global options: before or after the subcommand, flag > environment > default, the actor in the
# audit trail, colour only on a terminal.
. "$(dirname "$0")/lib.sh"

faketime -f '2026-11-22 11:53:03' "$SVCMGR" ticket add "Invoice charged twice" \
    --customer "Åsa Öberg" --email asa@example.se >/dev/null
tsv_row=$(printf '1\tnew\tÅsa Öberg')

begin "--format before the subcommand"
run svcmgr --format tsv ticket list --columns id,status,customer
expect_status 0
expect_out "$tsv_row"

begin "--format after the subcommand"
run svcmgr ticket list --format tsv --columns id,status,customer
expect_status 0
expect_out "$tsv_row"

begin "--format=VALUE after the verb's own options"
run svcmgr ticket list --columns id,status,customer --format=tsv
expect_status 0
expect_out "$tsv_row"

begin "--format between command and verb"
run svcmgr ticket --format tsv list --columns id,status,customer
expect_status 0
expect_out "$tsv_row"

begin "SVCMGR_FORMAT applies when no flag is given"
run env SVCMGR_FORMAT=tsv "$SVCMGR" ticket list --columns id,status,customer
expect_status 0
expect_out "$tsv_row"

begin "--format beats SVCMGR_FORMAT"
run env SVCMGR_FORMAT=json "$SVCMGR" ticket list --columns id --format csv
expect_status 0
expect_out "$(printf 'id\r\n1\r')"

begin "an empty SVCMGR_FORMAT means the default table"
run env SVCMGR_FORMAT= "$SVCMGR" ticket list --columns id,status
expect_status 0
expect_out "$(printf 'id  status\n 1  new')"

begin "default format is table also when stdout is not a terminal"
run svcmgr ticket list --columns id,status
expect_status 0
expect_out "$(printf 'id  status\n 1  new')"

begin "an unknown --format exits 2 naming it"
run svcmgr ticket list --format xml
expect_status 2
expect_err "svcmgr: error: unknown format 'xml' in --format
hint: formats: table, csv, tsv, json, jsonl"

begin "an unknown SVCMGR_FORMAT is an environment problem: 78 naming the variable"
run env SVCMGR_FORMAT=xml "$SVCMGR" ticket list
expect_status 78
expect_err_contains "svcmgr: error: unknown format 'xml' in SVCMGR_FORMAT"
expect_out ""

begin "a valid --format overrides an invalid SVCMGR_FORMAT"
run env SVCMGR_FORMAT=xml "$SVCMGR" ticket list --format tsv --columns id
expect_status 0
expect_out "1"

# --db and SVCMGR_DB
begin "SVCMGR_DB names the database"
run svcmgr ticket list --format tsv --columns id
expect_out "1"

begin "--db beats SVCMGR_DB"
run svcmgr --db "$T/other.db" ticket list --format tsv --columns id
expect_status 0
expect_out ""
expect_eq "$(sqlite3 "$T/other.db" 'SELECT count(*) FROM ticket')" "0" "tickets in other.db"

begin "--db after the verb"
run svcmgr ticket add "Second" --customer "Jüri" --db "$T/other.db"
expect_status 0
expect_out "1"
expect_eq "$(sqlite3 "$T/other.db" 'SELECT title FROM ticket')" "Second" "title in other.db"
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "1" "tickets in SVCMGR_DB"

begin "an empty SVCMGR_DB falls back to the default path"
run env SVCMGR_DB= "$SVCMGR" ticket list --format tsv --columns id
expect_status 0
expect_out ""
[ -f "$HOME/.local/share/svcmgr/svcmgr.db" ] || fail "no default database created"

begin "an empty --db is refused, not taken for the default"
run svcmgr ticket add "Lost" --customer "Nobody" --db ""
expect_status 2
expect_err "svcmgr: error: --db: may not be empty
hint: see svcmgr --help"
expect_eq "$(sql "SELECT count(*) FROM ticket WHERE title = 'Lost'")" "0" "tickets"
expect_eq "$(sqlite3 "$HOME/.local/share/svcmgr/svcmgr.db" "SELECT count(*) FROM ticket")" "0" \
    "tickets in the default database"

begin "empty --format, --color and --busy-timeout are refused"
for option in --format --color --busy-timeout; do
    run svcmgr ticket list "$option" ""
    expect_status 2
    expect_err "svcmgr: error: $option: may not be empty
hint: see svcmgr --help"
done

# --actor and SVCMGR_ACTOR
last_actor() { sqlite3 "$T/actor.db" 'SELECT actor FROM audit ORDER BY seq DESC LIMIT 1'; }
ADB="$T/actor.db"

begin "SVCMGR_ACTOR is recorded in the audit row"
run env SVCMGR_ACTOR=maria "$SVCMGR" --db "$ADB" config set currency SEK
expect_status 0
expect_eq "$(last_actor)" "maria" "actor"

begin "--actor beats SVCMGR_ACTOR"
run env SVCMGR_ACTOR=maria "$SVCMGR" --db "$ADB" config set currency NOK --actor "Đurđa Šimić"
expect_status 0
expect_eq "$(last_actor)" "Đurđa Šimić" "actor"

begin "without either, the actor is the login name"
login=$(id -un)
run env -u SVCMGR_ACTOR "$SVCMGR" --db "$ADB" config set currency DKK
expect_status 0
expect_eq "$(last_actor)" "$login" "actor"

begin "an empty --actor is refused with 2 and nothing is written"
before=$(sqlite3 "$ADB" 'SELECT count(*) FROM audit')
run svcmgr --db "$ADB" --actor "" config set currency USD
expect_status 2
expect_err "svcmgr: error: the actor may not be empty (--actor is empty)
hint: pass --actor NAME or set SVCMGR_ACTOR"
expect_eq "$(sqlite3 "$ADB" 'SELECT count(*) FROM audit')" "$before" "audit rows"
expect_eq "$(sqlite3 "$ADB" "SELECT value FROM setting WHERE key = 'currency'")" "DKK" "currency"

begin "a blank --actor is refused too"
run svcmgr --db "$ADB" --actor "   " ticket add "x" --customer "y"
expect_status 2
expect_err_contains "the actor may not be empty"
expect_eq "$(sqlite3 "$ADB" 'SELECT count(*) FROM ticket')" "0" "tickets"

begin "an empty SVCMGR_ACTOR is refused with 78, not replaced by the login name"
run env SVCMGR_ACTOR= "$SVCMGR" --db "$ADB" config set currency USD
expect_status 78
expect_err_contains "svcmgr: error: the actor may not be empty (SVCMGR_ACTOR is empty)"
expect_eq "$(sqlite3 "$ADB" 'SELECT count(*) FROM audit')" "$before" "audit rows"

begin "an empty actor creates no database"
run svcmgr --db "$T/never.db" --actor "" ticket add "x" --customer "y"
expect_status 2
[ -e "$T/never.db" ] && fail "never.db was created"

begin "an actor with a newline is refused"
run svcmgr --db "$ADB" --actor "$(printf 'a\nb')" config set currency USD
expect_status 2
expect_err "svcmgr: error: the actor in --actor must be printable UTF-8 text"
expect_eq "$(sqlite3 "$ADB" 'SELECT count(*) FROM audit')" "$before" "audit rows"

# --busy-timeout and SVCMGR_BUSY_TIMEOUT (their effect is tested in test_exit_status.sh)
begin "an invalid --busy-timeout exits 2 naming it"
run svcmgr ticket list --busy-timeout 5x
expect_status 2
expect_err "svcmgr: error: invalid busy timeout '5x' in --busy-timeout
hint: a duration such as 500ms, 5s or 1m"

begin "an invalid SVCMGR_BUSY_TIMEOUT exits 78 naming the variable"
run env SVCMGR_BUSY_TIMEOUT=soon "$SVCMGR" ticket list
expect_status 78
expect_err_contains "svcmgr: error: invalid busy timeout 'soon' in SVCMGR_BUSY_TIMEOUT"

begin "a valid --busy-timeout beats an invalid SVCMGR_BUSY_TIMEOUT"
run env SVCMGR_BUSY_TIMEOUT=soon "$SVCMGR" ticket list --busy-timeout 2s --format tsv --columns id
expect_status 0
expect_out "1"

# Colour: only on a terminal, never with NO_COLOR or TERM=dumb.
on_terminal() { script -qec "$1" /dev/null >"$T/out" 2>"$T/err" </dev/null; rc=$?; }
has_escape() { grep -q $'\033\\[' "$T/out"; }

begin "a terminal gets colour"
on_terminal "env TERM=xterm $SVCMGR ticket list"
expect_status 0
has_escape || fail "no escape sequence on a terminal: $(od -c "$T/out" | head -3)"
grep -q 'Invoice charged twice' "$T/out" || fail "ticket missing"

begin "NO_COLOR turns colour off on a terminal"
on_terminal "env TERM=xterm NO_COLOR=1 $SVCMGR ticket list"
expect_status 0
has_escape && fail "escape sequence despite NO_COLOR"
grep -q 'Invoice charged twice' "$T/out" || fail "ticket missing"

begin "TERM=dumb turns colour off on a terminal"
on_terminal "env TERM=dumb $SVCMGR ticket list"
expect_status 0
has_escape && fail "escape sequence despite TERM=dumb"
grep -q 'Invoice charged twice' "$T/out" || fail "ticket missing"

begin "--color never turns colour off on a terminal"
on_terminal "env TERM=xterm $SVCMGR ticket list --color never"
has_escape && fail "escape sequence despite --color never"

begin "an empty NO_COLOR does not turn colour off"
on_terminal "env TERM=xterm NO_COLOR= $SVCMGR ticket list"
has_escape || fail "no escape sequence with an empty NO_COLOR"

begin "a pipe gets no colour"
run svcmgr ticket list
has_escape && fail "escape sequence in a pipe"

begin "--color always colours a pipe"
run svcmgr ticket list --color always
expect_status 0
has_escape || fail "no escape sequence with --color always"

begin "--colour is the same option"
run svcmgr ticket list --colour always
has_escape || fail "no escape sequence with --colour always"

begin "machine formats never carry colour, even with --color always"
run svcmgr ticket list --color always --format csv
has_escape && fail "escape sequence in csv"
expect_out "$(printf 'id,status,priority,category,customer,assignee,created_at,title\r\n1,new,normal,other,Åsa Öberg,,2026-11-22T11:53:03Z,Invoice charged twice\r')"

begin "an unknown --color exits 2"
run svcmgr ticket list --color sometimes
expect_status 2
expect_err "svcmgr: error: unknown colour mode 'sometimes' in --color
hint: use auto, always or never"

# -q/--quiet is accepted in both places
begin "-q is accepted before and after the subcommand"
run svcmgr -q ticket list --format tsv --columns id
expect_status 0
expect_out "1"
run svcmgr ticket list -q --format tsv --columns id
expect_status 0
expect_out "1"

finish
