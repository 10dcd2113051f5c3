#!/usr/bin/env bash
# Under cron: the machine formats are byte-identical to an interactive run, and without HOME,
# XDG variables or --db svcmgr exits 78 with a message and writes nothing.
. "$(dirname "$0")/lib.sh"

faketime -f '2026-01-15 10:00:00' "$SVCMGR" ticket add "Invoice charged twice" \
    --customer "Åsa Öberg" --email asa@example.se --category billing >/dev/null
faketime -f '2026-01-15 11:30:00' "$SVCMGR" ticket add "=SUM(A1) in title" --customer "Jüri Tamm" \
    --description $'two\tcells\nand lines' >/dev/null
faketime -f '2026-01-16 09:00:00' "$SVCMGR" ticket comment 1 --reply -m "Refund sent" >/dev/null

begin "the sample tickets exist"
expect_eq "$(sql 'SELECT count(*) FROM ticket')" "2" "tickets"

# Runs svcmgr as cron does: an empty environment but PATH, HOME and TZ.
cron() {
    (cd "$T/cronhome" && env -i PATH=/usr/bin:/bin HOME="$T/cronhome" TZ=UTC "$SVCMGR" "$@")
}
# Runs svcmgr as a person at a terminal does: stdin and stderr on a terminal, a local time zone,
# a locale, a colour terminal. Standard output goes to a file: the format is what scripts read.
interactive() {
    local out=$1
    shift
    TERM=xterm-256color COLUMNS=120 TZ=Europe/Tallinn LANG=C.UTF-8 SVCMGR_DB="$DB" \
        script -qec "$(printf '%q ' "$SVCMGR" "$@") >'$out'" /dev/null >/dev/null
}
mkdir -p cronhome

for args in "ticket list" "ticket list status:active --columns id,title,description" \
    "ticket show 1 2" "customer list" "config list" "audit log"; do
    for format in csv tsv json jsonl; do
        begin "'$args --format $format' is byte-identical under cron and at a terminal"
        # shellcheck disable=SC2086
        interactive "$T/interactive" $args --format "$format"
        # shellcheck disable=SC2086
        cron --db "$DB" $args --format "$format" >"$T/cron" 2>"$T/err"
        [ -s "$T/cron" ] || fail "no output under cron"
        cmp -s "$T/interactive" "$T/cron" || fail "outputs differ: $(diff "$T/interactive" \
            "$T/cron" | head -5)"
    done
done

begin "machine formats written to a terminal differ only by the terminal's line ends"
script -qec "$(printf '%q ' "$SVCMGR" ticket list --format json)" /dev/null >"$T/tty"
cron --db "$DB" ticket list --format json >"$T/cron"
expect_eq "$(tr -d '\r' <"$T/tty")" "$(tr -d '\r' <"$T/cron")" "json on a terminal"

begin "under cron SVCMGR_DB names the database as --db does"
cron --db "$DB" ticket list --format tsv >"$T/with-flag"
(cd "$T/cronhome" && env -i PATH=/usr/bin:/bin HOME="$T/cronhome" SVCMGR_DB="$DB" \
    "$SVCMGR" ticket list --format tsv) >"$T/with-env"
cmp -s "$T/with-flag" "$T/with-env" || fail "--db and SVCMGR_DB give different output"

begin "under cron with only HOME the default database is created privately under it"
run cron ticket add "From cron" --customer "Cron"
expect_status 0
expect_out "1"
expect_eq "$(stat -c %a "$T/cronhome/.local/share/svcmgr")" "700" "directory mode"
expect_eq "$(stat -c %a "$T/cronhome/.local/share/svcmgr/svcmgr.db")" "600" "file mode"

no_home_error="svcmgr: error: no database: HOME is not set and neither --db nor SVCMGR_DB is
hint: pass --db PATH or set SVCMGR_DB (cron jobs run without HOME)"

# Each case runs in an empty directory, which must stay empty.
for env_args in "" "HOME=" "HOME=relative/home" "XDG_DATA_HOME=data" "XDG_DATA_HOME="; do
    for args in "ticket list --format csv" "ticket add Lost --customer Nobody" \
        "config set hourly_cost 10" "audit head"; do
        begin "with no HOME ($env_args) '$args' exits 78 and writes nothing"
        rm -rf "$T/empty" && mkdir "$T/empty"
        # shellcheck disable=SC2086
        (cd "$T/empty" && env -i PATH=/usr/bin:/bin $env_args "$SVCMGR" $args) >"$T/out" \
            2>"$T/err"
        rc=$?
        expect_status 78
        expect_out ""
        expect_err "$no_home_error"
        expect_eq "$(ls -A "$T/empty")" "" "files in the current directory"
    done
done

begin "with no HOME, --help, --version and completion succeed and write nothing"
rm -rf "$T/empty" && mkdir "$T/empty"
for args in "--help" "ticket list --help" "--version" "complete ids" "complete customers"; do
    # shellcheck disable=SC2086
    (cd "$T/empty" && env -i PATH=/usr/bin:/bin "$SVCMGR" $args) >"$T/out" 2>"$T/err"
    rc=$?
    expect_status 0
    expect_err ""
done
expect_eq "$(ls -A "$T/empty")" "" "files in the current directory"

finish
