#!/usr/bin/env bash
# ticket add: prints only the id, stores every option, matches or creates the customer as
# DESIGN.md section 7 says, and writes its history and audit rows in one transaction.
. "$(dirname "$0")/lib.sh"

at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }
counts() { sql "SELECT (SELECT count(*) FROM customer) || ' ' || (SELECT count(*) FROM ticket) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit)"; }

begin "ticket add prints only the id and stores every option"
run at "2026-11-02 09:00:00" ticket add "Fakturan dras två gånger" --customer "Åsa Öberg" \
    --email asa@example.se --ref INV-1 --category billing --channel phone --priority high \
    --assignee "Jüri" --description "Kort 1234 debiterades två gånger"
expect_status 0
expect_out "1"
expect_err ""
expect_eq "$(sql "SELECT ref, title, description, customer_id, category, channel, priority, status, assignee, created_at, updated_at, first_response_at IS NULL, resolved_at IS NULL, closed_at IS NULL, cause IS NULL, preventable IS NULL, satisfaction IS NULL, minutes FROM ticket")" \
    "INV-1|Fakturan dras två gånger|Kort 1234 debiterades två gånger|1|billing|phone|high|new|Jüri|1793610000|1793610000|1|1|1|1|1|1|0"
expect_eq "$(sql "SELECT name, email, created_at FROM customer")" "Åsa Öberg|asa@example.se|1793610000"

begin "the defaults: category and channel other, priority normal, no assignee, status new"
run at "2026-11-02 09:05:00" ticket add "Vad kostar det?" --customer "Åsa Öberg" --email asa@example.se
expect_out "2"
expect_eq "$(sql "SELECT category, channel, priority, status, assignee IS NULL, ref IS NULL, description IS NULL FROM ticket WHERE id = 2")" \
    "other|other|normal|new|1|1|1"

begin "one add writes one created event and one audit row per entity it creates"
expect_eq "$(sql "SELECT ticket_id || ':' || kind || ':' || at || ':' || actor || ':' || coalesce(body, '') FROM ticket_event ORDER BY id")" \
    "1:created:1793610000:tester:Kort 1234 debiterades två gånger
2:created:1793610300:tester:"
expect_eq "$(sql "SELECT seq || ' ' || action || ' ' || entity || ' ' || entity_id || ' ' || actor || ' ' || at FROM audit ORDER BY seq")" \
    "1 create customer 1 tester 1793610000
2 create ticket 1 tester 1793610000
3 create ticket 2 tester 1793610300"
expect_eq "$(sql "SELECT json_extract(change, '\$.before') IS NULL, json_extract(change, '\$.after.title'), json_extract(change, '\$.after.status') FROM audit WHERE seq = 2")" \
    "1|Fakturan dras två gånger|new"

begin "the customer is found by email even under another name"
run svcmgr ticket add "Ny faktura" --customer "Å. Öberg" --email asa@example.se
expect_out "3"
expect_eq "$(sql 'SELECT customer_id FROM ticket WHERE id = 3')" "1"
expect_eq "$(sql 'SELECT count(*) FROM customer')" "1"

begin "a new email creates a new customer even when the name is known"
run svcmgr ticket add "Annan Åsa" --customer "Åsa Öberg" --email asa.o@example.com
expect_out "4"
expect_eq "$(sql 'SELECT customer_id FROM ticket WHERE id = 4')" "2"
expect_eq "$(sql "SELECT name || '|' || email FROM customer WHERE id = 2")" "Åsa Öberg|asa.o@example.com"

begin "without --email a unique exact name finds the customer"
svcmgr ticket add "Ekraan vilgub" --customer "Jüri Tamm" --email juri@example.ee >/dev/null
run svcmgr ticket add "Ekraan jälle" --customer "Jüri Tamm"
expect_out "6"
expect_eq "$(sql 'SELECT customer_id FROM ticket WHERE id = 6')" "3"

begin "without --email an unknown name creates a customer without email; names match exactly"
run svcmgr ticket add "Pesanan belum tiba" --customer "Budi Santoso"
expect_out "7"
run svcmgr ticket add "Pesanan kedua" --customer "budi santoso"
expect_out "8"
expect_eq "$(sql "SELECT id || '|' || name || '|' || coalesce(email, 'NULL') FROM customer WHERE id > 3 ORDER BY id")" \
    "4|Budi Santoso|NULL
5|budi santoso|NULL"

begin "several customers with one name and no --email: exit 1 with a hint, nothing written"
before=$(counts)
run svcmgr ticket add "Which one?" --customer "Åsa Öberg"
expect_status 1
expect_out ""
expect_err "svcmgr: error: several customers are named 'Åsa Öberg'
hint: pass --email to say which one (svcmgr customer list shows them)"
expect_eq "$(counts)" "$before" "rows"
run svcmgr ticket add "This one" --customer "Åsa Öberg" --email asa.o@example.com
expect_status 0
expect_out "9"
expect_eq "$(sql 'SELECT customer_id FROM ticket WHERE id = 9')" "2"

begin "--description - reads standard input byte for byte, without the final newline"
run_in "Narudžba 100% nije stigla
	druga linija s tabom \\ i kosom crtom

" svcmgr ticket add "Narudžba nije stigla" --customer "Đurđa Šimić" --description -
expect_status 0
expect_out "10"
expect_eq "$(sql "SELECT description FROM ticket WHERE id = 10")" "Narudžba 100% nije stigla
	druga linija s tabom \\ i kosom crtom"

begin "an empty description (argument or stdin) is stored as NULL"
run svcmgr ticket add "Bez opisa" --customer "Đurđa Šimić" --description ""
expect_out "11"
run_in "" svcmgr ticket add "Bez opisa 2" --customer "Đurđa Šimić" --description -
expect_out "12"
expect_eq "$(sql "SELECT count(*) FROM ticket WHERE id IN (11, 12) AND description IS NULL")" "2"

begin "--ref is unique: a taken ref exits 1 naming the ticket, nothing written"
before=$(counts)
run svcmgr ticket add "Duplicate" --customer "Someone New" --ref INV-1
expect_status 1
expect_out ""
expect_err "svcmgr: error: ref 'INV-1' is already ticket 1"
expect_eq "$(counts)" "$before" "rows"
expect_eq "$(sql "SELECT count(*) FROM customer WHERE name = 'Someone New'")" "0"

begin "an empty --ref or --assignee is stored as NULL, never ''"
run svcmgr ticket add "Empty ref" --customer "Budi Santoso" --ref "" --assignee ""
expect_status 0
expect_eq "$(sql "SELECT ref IS NULL, assignee IS NULL FROM ticket WHERE id = $(out)")" "1|1"

begin "text with SQL metacharacters and quotes is stored literally"
title="O'Neil said \"100%_done\"; DROP TABLE ticket;--"
run svcmgr ticket add "$title" --customer "Mary O'Neil" --email "mary+o'neil@example.com"
expect_status 0
id=$(out)
expect_eq "$(sql "SELECT title FROM ticket WHERE id = $id")" "$title"
expect_eq "$(sql "SELECT name || '|' || email FROM customer WHERE id = (SELECT customer_id FROM ticket WHERE id = $id)")" "Mary O'Neil|mary+o'neil@example.com"

begin "the id is usable by a script: id=\$(svcmgr ticket add ...)"
id=$(svcmgr ticket add "Scripted" --customer "Budi Santoso" --format json --quiet)
expect_eq "$id" "$(sql 'SELECT max(id) FROM ticket')"

finish
