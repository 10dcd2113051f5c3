#!/usr/bin/env bash
# Where the database lives, how it is created, and the files svcmgr refuses to use.
. "$(dirname "$0")/lib.sh"

umask 022
mode() { stat -c '%a' "$1"; }
# Runs svcmgr with no SVCMGR_DB, so the default path applies.
default_run() { run env -u SVCMGR_DB "$@"; }

begin "the default database is \$XDG_DATA_HOME/svcmgr/svcmgr.db, directory 0700, file 0600"
mkdir -p "$T/xdg"
default_run XDG_DATA_HOME="$T/xdg" "$SVCMGR" ticket add "First" --customer "Åsa"
expect_status 0
expect_out "1"
expect_eq "$(mode "$T/xdg/svcmgr")" "700" "directory mode"
expect_eq "$(mode "$T/xdg/svcmgr/svcmgr.db")" "600" "database mode"
expect_eq "$(sqlite3 "$T/xdg/svcmgr/svcmgr.db" 'SELECT title FROM ticket')" "First" "title"
expect_eq "$(sqlite3 "$T/xdg/svcmgr/svcmgr.db" 'PRAGMA journal_mode')" "wal" "journal mode"

begin "without XDG_DATA_HOME it is ~/.local/share/svcmgr/svcmgr.db"
default_run env -u XDG_DATA_HOME "$SVCMGR" ticket add "Second" --customer "Jüri"
expect_status 0
expect_out "1"
expect_eq "$(mode "$HOME/.local/share/svcmgr")" "700" "directory mode"
expect_eq "$(mode "$HOME/.local/share/svcmgr/svcmgr.db")" "600" "database mode"
expect_eq "$(sqlite3 "$HOME/.local/share/svcmgr/svcmgr.db" 'SELECT title FROM ticket')" "Second"

begin "a relative XDG_DATA_HOME is ignored, as the XDG spec says"
mkdir -p "$T/rel"
(cd "$T/rel" && env -u SVCMGR_DB XDG_DATA_HOME=data "$SVCMGR" ticket list >/dev/null 2>&1)
[ -e "$T/rel/data" ] && fail "created a relative data directory"
expect_eq "$(sqlite3 "$HOME/.local/share/svcmgr/svcmgr.db" 'SELECT count(*) FROM ticket')" "1"

begin "an existing 0755 directory keeps its mode; the new file is still 0600"
mkdir -m 0755 -p "$T/xdg2/svcmgr"
default_run XDG_DATA_HOME="$T/xdg2" "$SVCMGR" ticket list
expect_status 0
expect_eq "$(mode "$T/xdg2/svcmgr")" "755" "directory mode"
expect_eq "$(mode "$T/xdg2/svcmgr/svcmgr.db")" "600" "database mode"

begin "the -wal and -shm files are 0600 too"
# A reader holding the database open keeps the -wal and -shm files while svcmgr writes.
W="$T/wal.db"
"$SVCMGR" --db "$W" ticket list >/dev/null
hold_open "$W"
run svcmgr --db "$W" ticket add "Kept open" --customer "Putu"
expect_status 0
expect_eq "$(mode "$W")" "600" "database mode"
expect_eq "$(mode "$W-wal")" "600" "-wal mode"
expect_eq "$(mode "$W-shm")" "600" "-shm mode"
release_hold

begin "a new --db file is 0600"
run svcmgr --db "$T/new.db" ticket list
expect_status 0
expect_eq "$(mode "$T/new.db")" "600" "database mode"

# Nothing creates or touches a database before a command runs.
no_database_appears() {
    local dir="$T/empty.$1"
    mkdir -p "$dir/home"
    (cd "$dir" && env -u SVCMGR_DB HOME="$dir/home" XDG_DATA_HOME="$dir/xdg" "$SVCMGR" "${@:2}" \
        >"$T/out" 2>"$T/err" </dev/null)
    rc=$?
    local files
    files=$(cd "$dir" && find . -mindepth 1 ! -path ./home)
    expect_eq "$files" "" "files created by svcmgr ${*:2}"
}

begin "--help creates no database"
no_database_appears 1 --help
expect_status 0
grep -q 'Usage' "$T/out" || fail "no usage text"

begin "ticket list --help creates no database"
no_database_appears 2 ticket list --help
expect_status 0

begin "--version creates no database"
no_database_appears 3 --version
expect_status 0
grep -q '^svcmgr ' "$T/out" || fail "no version"

begin "an unknown command creates no database"
no_database_appears 4 frobnicate
expect_status 2

begin "an unknown option creates no database"
no_database_appears 5 ticket list --frobnicate
expect_status 2

begin "a missing argument creates no database"
no_database_appears 6 ticket add
expect_status 2

begin "a bad setting creates no database"
no_database_appears 7 config set hourly_cost 1e3
expect_status 2

begin "an unknown setting creates no database"
no_database_appears 8 config get nosuch
expect_status 2

begin "a bad global option creates no database"
no_database_appears 9 --format xml ticket list
expect_status 2

begin "--help does not touch an existing database"
"$SVCMGR" ticket add "Existing" --customer "Åsa" >/dev/null
sum=$(md5sum <"$DB")
run svcmgr --help
run svcmgr ticket --help
expect_eq "$(md5sum <"$DB")" "$sum" "database checksum"

# No HOME, no XDG_DATA_HOME, no --db: a cron job misconfigured.
begin "with no HOME, no XDG_DATA_HOME and no --db: exit 78, nothing written"
mkdir "$T/cron"
(cd "$T/cron" && env -i PATH=/usr/bin:/bin "$SVCMGR" ticket list >"$T/out" 2>"$T/err")
rc=$?
expect_status 78
expect_out ""
expect_err "svcmgr: error: no database: HOME is not set and neither --db nor SVCMGR_DB is
hint: pass --db PATH or set SVCMGR_DB (cron jobs run without HOME)"
expect_eq "$(ls -A "$T/cron")" "" "files in the current directory"

begin "with no HOME a write is refused the same way"
(cd "$T/cron" && env -i PATH=/usr/bin:/bin "$SVCMGR" ticket add x --customer y >"$T/out" 2>"$T/err")
rc=$?
expect_status 78
expect_eq "$(ls -A "$T/cron")" "" "files in the current directory"

begin "with no HOME, --db works"
(cd "$T/cron" && env -i PATH=/usr/bin:/bin "$SVCMGR" --db "$T/cron.db" --actor cron \
    ticket add "Nightly" --customer "Ops" >"$T/out" 2>"$T/err")
rc=$?
expect_status 0
expect_out "1"

# Files that are not databases.
begin "--db naming a directory exits 66"
mkdir "$T/adir"
run svcmgr --db "$T/adir" ticket list
expect_status 66
expect_err "svcmgr: error: $T/adir is a directory, not a database"
expect_eq "$(ls -A "$T/adir")" "" "files in the directory"

begin "--db naming a device, a FIFO or a socket exits 66 before SQLite opens it"
# As root SQLite would open /dev/null and create /dev/null-journal beside it.
left_before=$(ls -d /dev/null-* 2>/dev/null)
for verb in "ticket list" "ticket add x --customer y"; do
    # shellcheck disable=SC2086
    run svcmgr --db /dev/null $verb
    expect_status 66
    expect_out ""
    expect_err "svcmgr: error: /dev/null is a character device, not a database"
done
expect_eq "$(ls -d /dev/null-* 2>/dev/null)" "$left_before" "files beside /dev/null"
mkdir "$T/special"
mkfifo "$T/special/fifo.db"
run timeout 10 "$SVCMGR" --db "$T/special/fifo.db" ticket add x --customer y
expect_status 66
expect_err "svcmgr: error: $T/special/fifo.db is a FIFO, not a database"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/special/socket.db"
run svcmgr --db "$T/special/socket.db" ticket list
expect_status 66
expect_err "svcmgr: error: $T/special/socket.db is a socket, not a database"
expect_eq "$(ls "$T/special")" "$(printf 'fifo.db\nsocket.db')" "files"
ln -s /dev/zero "$T/special/link.db"
run svcmgr --db "$T/special/link.db" ticket list
expect_status 66
expect_err "svcmgr: error: $T/special/link.db is a character device, not a database"

begin "--db naming a CSV file exits 66 and leaves it unchanged"
printf 'id,title\r\n1,Invoice\r\n' >"$T/tickets.csv"
sum=$(md5sum <"$T/tickets.csv")
run svcmgr --db "$T/tickets.csv" ticket list
expect_status 66
expect_err "svcmgr: error: cannot open database $T/tickets.csv: file is not a database"
expect_eq "$(md5sum <"$T/tickets.csv")" "$sum" "csv checksum"
run svcmgr --db "$T/tickets.csv" ticket add x --customer y
expect_status 66
expect_eq "$(md5sum <"$T/tickets.csv")" "$sum" "csv checksum after a write"

begin "a truncated database exits 66"
"$SVCMGR" --db "$T/full.db" ticket add "One" --customer "A" >/dev/null
for i in $(seq 2 40); do
    "$SVCMGR" --db "$T/full.db" ticket add "Ticket $i with a longer title to fill pages" \
        --customer "Customer $i" --description "$(printf 'x%.0s' $(seq 200))" >/dev/null
done
head -c 5000 "$T/full.db" >"$T/truncated.db"
run svcmgr --db "$T/truncated.db" ticket list
expect_status 66
expect_err_contains "svcmgr: error: cannot open database $T/truncated.db: database disk image is malformed"

begin "a corrupt database exits 66"
cp "$T/full.db" "$T/corrupt.db"
printf 'garbage garbage garbage garbage' | dd of="$T/corrupt.db" bs=1 seek=100 conv=notrunc 2>/dev/null
run svcmgr --db "$T/corrupt.db" ticket list
expect_status 66
expect_err_contains "database disk image is malformed"

begin "another program's SQLite database is refused with 66 and left unchanged"
sqlite3 "$T/other.db" "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x')"
sum=$(md5sum <"$T/other.db")
run svcmgr --db "$T/other.db" ticket list
expect_status 66
expect_err "svcmgr: error: $T/other.db is a database of another program, not svcmgr's
hint: pass --db with the path of an svcmgr database"
expect_eq "$(md5sum <"$T/other.db")" "$sum" "checksum"

begin "a database that sets another application_id is refused too"
sqlite3 "$T/app.db" 'PRAGMA application_id = 42; PRAGMA user_version = 1; CREATE TABLE t (a)'
run svcmgr --db "$T/app.db" ticket list
expect_status 66
expect_err_contains "is a database of another program"

begin "a new database records svcmgr's application_id"
expect_eq "$(sqlite3 "$T/new.db" 'PRAGMA application_id')" "1398164807" "application_id"

begin "a missing directory in --db exits 66"
run svcmgr --db "$T/nowhere/x.db" ticket list
expect_status 66
expect_err "svcmgr: error: cannot create database $T/nowhere/x.db: No such file or directory"
[ -e "$T/nowhere" ] && fail "created the directory"

begin "a URI of another scheme is refused, not taken for a file name"
# postgresql://, postgres:// and service= name a server (test_postgres.sh); any other scheme://
# is refused.
for uri in "mysql://db.example/svc" "ftp://files.example/svc.db"; do
    run svcmgr --db "$uri" ticket list
    expect_status 2
    expect_err_contains "svcmgr: error: unsupported database URI $uri"
done
[ -e "mysql:" ] || [ -e "ftp:" ] && fail "created a file"

begin "a zero-byte file is initialised as a new database"
: >"$T/zero.db"
chmod 0600 "$T/zero.db"
run svcmgr --db "$T/zero.db" ticket add "Fresh" --customer "Ni Luh"
expect_status 0
expect_out "1"
expect_eq "$(sqlite3 "$T/zero.db" 'PRAGMA user_version')" "5" "schema version"
expect_eq "$(sqlite3 "$T/zero.db" 'SELECT title FROM ticket')" "Fresh" "title"

begin "a zero-byte file serves reads as an empty database"
: >"$T/zero2.db"
run svcmgr --db "$T/zero2.db" ticket list --format csv
expect_status 0
expect_out "$(printf 'id,status,priority,category,customer,assignee,created_at,title\r')"

begin "a database with a newer schema is refused with 78 and left byte-identical"
cp "$T/full.db" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 99'
sum=$(md5sum <"$T/newer.db")
run svcmgr --db "$T/newer.db" ticket list
expect_status 78
expect_err "svcmgr: error: database $T/newer.db has schema version 99, newer than this svcmgr understands (5)
hint: upgrade svcmgr to use this database"
run svcmgr --db "$T/newer.db" ticket add "x" --customer "y"
expect_status 78
expect_eq "$(md5sum <"$T/newer.db")" "$sum" "checksum"
expect_eq "$(ls "$T"/newer.db*)" "$T/newer.db" "files"

# Permissions, tested as an unprivileged user (root would pass vacuously).
if [ "$(id -u)" -eq 0 ]; then
    as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
    as_user() { "$@"; }
fi
P="$T/perm"
mkdir -m 0755 "$P" "$P/bin"
cp "$SVCMGR" "$P/bin/svcmgr"
chmod 0755 "$P/bin/svcmgr"
cp "$T/full.db" "$P/shared.db"
chmod 0444 "$P/shared.db"
chmod 0555 "$P"
sum=$(md5sum <"$P/shared.db")
count=$(sqlite3 "$T/full.db" 'SELECT count(*) FROM ticket')

begin "a read-only database in a read-only directory serves reads"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody ticket list --format tsv --columns id
expect_status 0
expect_eq "$(wc -l <"$T/out")" "$count" "rows"
expect_err ""

begin "a read-only database serves ticket show and config get"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody config get currency
expect_status 0
expect_out "EUR"

begin "writing to a read-only database exits 77 and writes nothing"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody ticket add "x" --customer "y"
expect_status 77
expect_err "svcmgr: error: database $P/shared.db is read-only"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody config set currency SEK
expect_status 77
expect_eq "$(md5sum <"$P/shared.db")" "$sum" "checksum"
expect_eq "$(ls -A "$P")" "$(printf 'bin\nshared.db')" "files"

begin "a read-only database in a writable directory serves reads and refuses writes"
mkdir -m 0777 "$T/open"
cp "$T/full.db" "$T/open/shared.db"
chmod 0444 "$T/open/shared.db"
sum=$(md5sum <"$T/open/shared.db")
run as_user "$P/bin/svcmgr" --db "$T/open/shared.db" --actor nobody ticket list --format tsv --columns id
expect_status 0
expect_eq "$(wc -l <"$T/out")" "$count" "rows"
run as_user "$P/bin/svcmgr" --db "$T/open/shared.db" --actor nobody ticket add "x" --customer "y"
expect_status 77
expect_eq "$(md5sum <"$T/open/shared.db")" "$sum" "checksum"

begin "a report written with --output is 0600 under umask 022, also when it replaces a 0644 file"
run svcmgr --db "$T/full.db" report summary --format csv --output "$T/summary.csv"
expect_status 0
expect_out ""
expect_eq "$(mode "$T/summary.csv")" "600" "report mode"
expect_eq "$(head -c 9 "$T/summary.csv")" "category," "report header"
printf 'old\n' >"$T/old-report.csv"
chmod 0644 "$T/old-report.csv"
run svcmgr --db "$T/full.db" report summary --format csv --output "$T/old-report.csv"
expect_status 0
expect_eq "$(mode "$T/old-report.csv")" "600" "mode of the replaced report"
expect_eq "$(cat "$T/old-report.csv")" "$(cat "$T/summary.csv")" "replaced report"

begin "a read-only database serves a report with --output; the report is the user's, 0600"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody report summary --format csv \
    --output "$T/open/summary.csv"
expect_status 0
expect_eq "$(mode "$T/open/summary.csv")" "600" "report mode"
expect_eq "$(stat -c %u "$T/open/summary.csv")" "$(as_user id -u)" "report owner"
expect_eq "$(cat "$T/open/summary.csv")" "$(cat "$T/summary.csv")" "report"

begin "a report --output into a directory the user may not write exits 77, nothing left"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody report summary --output "$P/summary.txt"
expect_status 77
expect_out ""
expect_err "svcmgr: error: cannot write the report to '$P/summary.txt': Permission denied"
expect_eq "$(ls -A "$P")" "$(printf 'bin\nshared.db')" "files"

begin "a backup of a read-only database is 0600; one into a read-only directory exits 77"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody db backup "$T/open/backup.db"
expect_status 0
expect_eq "$(mode "$T/open/backup.db")" "600" "backup mode"
expect_eq "$(sqlite3 "$T/open/backup.db" 'SELECT count(*) FROM ticket')" "$count" "tickets in the backup"
run as_user "$P/bin/svcmgr" --db "$P/shared.db" --actor nobody db backup "$P/backup.db"
expect_status 77
expect_err "svcmgr: error: cannot create backup $P/backup.db: Permission denied"
expect_eq "$(ls -A "$P")" "$(printf 'bin\nshared.db')" "files"

begin "an unreadable database exits 77"
mkdir -m 0755 "$T/locked"
cp "$T/full.db" "$T/locked/private.db"
chmod 0600 "$T/locked/private.db"
[ "$(id -u)" -ne 0 ] && chmod 0000 "$T/locked/private.db"
run as_user "$P/bin/svcmgr" --db "$T/locked/private.db" --actor nobody ticket list
expect_status 77
expect_err "svcmgr: error: cannot read database $T/locked/private.db: Permission denied"
for verb in "report summary" "db backup $T/open/stolen.db" "audit verify"; do
    # shellcheck disable=SC2086
    run as_user "$P/bin/svcmgr" --db "$T/locked/private.db" --actor nobody $verb
    expect_status 77
    expect_err "svcmgr: error: cannot read database $T/locked/private.db: Permission denied"
done
[ -e "$T/open/stolen.db" ] && fail "a backup of an unreadable database was written"
chmod 0600 "$T/locked/private.db"

begin "a database that cannot be created exits 77"
run as_user "$P/bin/svcmgr" --db "$P/new.db" --actor nobody ticket list
expect_status 77
expect_err "svcmgr: error: cannot create database $P/new.db: Permission denied"

begin "a default directory that cannot be created exits 77"
mkdir -m 0555 "$T/rohome"
run as_user env -u SVCMGR_DB -u XDG_DATA_HOME HOME="$T/rohome" "$P/bin/svcmgr" --actor nobody ticket list
expect_status 77
expect_err "svcmgr: error: cannot create directory $T/rohome/.local: Permission denied"

chmod 0755 "$P"
finish
