#!/usr/bin/env bash
# svcmgr customer list and customer show: who contacts us, and how often they have to come back.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}" >/dev/null || echo "setup failed: $*" >&2; }

# Åsa: three tickets, the second 10 days after the first, the third 40 days after the second.
at '2026-01-01 09:00:00' ticket add "Invoice charged twice" --customer "Åsa Öberg" --email asa@example.se
at '2026-01-11 09:00:00' ticket add "Refund missing" --customer "Åsa Öberg" --email asa@example.se \
    --category billing --priority high
at '2026-02-20 09:00:00' ticket add "Router broken" --customer "Åsa Öberg" --email asa@example.se \
    --category repair
# Jüri: one ticket, resolved.
at '2026-01-05 12:30:00' ticket add "Wrong size" --customer "Jüri Tamm" --category returns
at '2026-01-06 08:00:00' ticket resolve 4
# Two customers share a name.
at '2026-01-07 10:00:00' ticket add "Login fails" --customer "Ana Kovač" --email ana1@example.hr
at '2026-01-07 11:00:00' ticket add "Password reset" --customer "Ana Kovač" --email ana2@example.hr

begin "customer list shows every customer with ticket counts"
run svcmgr customer list --format tsv
expect_status 0
expect_out "$(printf '%s\n' \
    $'1\t\tÅsa Öberg\tasa@example.se\t\t2026-01-01T09:00:00Z\t3\t3' \
    $'2\t\tJüri Tamm\t\t\t2026-01-05T12:30:00Z\t1\t0' \
    $'3\t\tAna Kovač\tana1@example.hr\t\t2026-01-07T10:00:00Z\t1\t1' \
    $'4\t\tAna Kovač\tana2@example.hr\t\t2026-01-07T11:00:00Z\t1\t1')"

begin "customer list in csv has the documented columns"
run svcmgr customer list --format csv
expect_status 0
expect_eq "$(head -1 "$T/out")" $'id,ref,name,email,phone,created_at,tickets,open_tickets\r' "header"

begin "customer list in json has typed values"
run svcmgr customer list --format json
expect_status 0
python3 - "$T/out" <<'EOF' || fail "json check failed"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(rows) == 4, rows
assert rows[1] == {"id": 2, "ref": None, "name": "Jüri Tamm", "email": None, "phone": None,
                   "created_at": "2026-01-05T12:30:00Z", "tickets": 1, "open_tickets": 0}, rows[1]
assert [type(r["tickets"]) for r in rows] == [int] * 4
EOF

begin "customer list on an empty database prints the table header only"
run svcmgr --db "$T/empty.db" customer list
expect_status 0
expect_out "id  ref  name  email  phone  created_at  tickets  open_tickets"

begin "customer show ID: the record, then the tickets with repeat contacts (default 30d)"
run svcmgr customer show 1
expect_status 0
expect_out "id               1
ref
name             Åsa Öberg
email            asa@example.se
phone
created_at       2026-01-01 09:00
tickets          3
open_tickets     3
repeat_contacts  1

tickets
id  status  priority  category  created_at        repeat  title
 1  new     normal    other     2026-01-01 09:00  no      Invoice charged twice
 2  new     high      billing   2026-01-11 09:00  yes     Refund missing
 3  new     normal    repair    2026-02-20 09:00  no      Router broken"

begin "customer show EMAIL finds the same customer"
run svcmgr customer show asa@example.se --format tsv
expect_status 0
expect_out $'1\t\tÅsa Öberg\tasa@example.se\t\t2026-01-01T09:00:00Z\t3\t3\t1'

begin "customer show NAME finds a unique exact name"
run svcmgr customer show "Jüri Tamm" --format csv
expect_status 0
expect_out "$(printf 'id,ref,name,email,phone,created_at,tickets,open_tickets,repeat_contacts\r\n2,,Jüri Tamm,,,2026-01-05T12:30:00Z,1,0,0\r')"

begin "customer show in json adds repeat_contacts as a number"
run svcmgr customer show 1 --format json
expect_status 0
python3 - "$T/out" <<'EOF' || fail "json check failed"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(rows) == 1 and rows[0]["repeat_contacts"] == 1 and rows[0]["id"] == 1, rows
EOF

begin "a wider repeat_window counts more repeat contacts"
run svcmgr config set repeat_window 45d
expect_status 0
run svcmgr customer show 1 --format tsv
expect_out $'1\t\tÅsa Öberg\tasa@example.se\t\t2026-01-01T09:00:00Z\t3\t3\t2'

begin "a narrower repeat_window counts fewer"
run svcmgr config set repeat_window 9d
run svcmgr customer show 1 --format tsv
expect_out $'1\t\tÅsa Öberg\tasa@example.se\t\t2026-01-01T09:00:00Z\t3\t3\t0'

begin "the window is [t - repeat_window, t): a contact exactly repeat_window later is a repeat"
run svcmgr config set repeat_window 10d
run svcmgr customer show 1 --format tsv
expect_out $'1\t\tÅsa Öberg\tasa@example.se\t\t2026-01-01T09:00:00Z\t3\t3\t1'
run svcmgr config set repeat_window 863999s
run svcmgr customer show 1 --format tsv
expect_out $'1\t\tÅsa Öberg\tasa@example.se\t\t2026-01-01T09:00:00Z\t3\t3\t0'
run svcmgr config unset repeat_window

begin "another customer's tickets are never repeats"
run svcmgr customer show ana2@example.hr --format tsv
expect_status 0
expect_out $'4\t\tAna Kovač\tana2@example.hr\t\t2026-01-07T11:00:00Z\t1\t1\t0'

begin "a name shared by several customers exits 1 and asks for the id or email"
run svcmgr customer show "Ana Kovač"
expect_status 1
expect_out ""
expect_err "svcmgr: error: several customers are named 'Ana Kovač'
hint: name the customer by id or email"

begin "an unknown id exits 1"
run svcmgr customer show 99
expect_status 1
expect_out ""
expect_err "svcmgr: error: no customer '99'"

begin "an unknown email exits 1"
run svcmgr customer show nobody@example.com
expect_status 1
expect_err "svcmgr: error: no customer 'nobody@example.com'"

begin "names match exactly: case and LIKE wildcards are literal"
run svcmgr customer show "åsa öberg"
expect_status 1
run svcmgr customer show "%"
expect_status 1
expect_err "svcmgr: error: no customer '%'"
run svcmgr customer show "Å_a Öberg"
expect_status 1

begin "customer show without an argument exits 2"
run svcmgr customer show
expect_status 2

begin "customer without a verb exits 2"
run svcmgr customer
expect_status 2
expect_err "svcmgr: error: customer needs a verb
hint: verbs: list, show, export, import"

begin "customer commands write nothing"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE entity = 'customer'")" "4" "customer audit rows"

finish
