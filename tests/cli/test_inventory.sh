#!/usr/bin/env bash
# The repair-parts inventory: parts, the ledger, orders, and the tickets that need parts.
. "$(dirname "$0")/lib.sh"

state() { sql "SELECT (SELECT count(*) FROM part) || ' ' || (SELECT count(*) FROM stock_move) || ' ' || (SELECT count(*) FROM stock_order) || ' ' || (SELECT count(*) FROM ticket_part) || ' ' || (SELECT count(*) FROM audit)"; }
ledger_ok() { expect_eq "$(sql 'SELECT count(*) FROM part p WHERE on_hand <> (SELECT coalesce(sum(qty), 0) FROM stock_move m WHERE m.part_id = p.id)')" "0" "parts whose on_hand differs from the ledger"; }

svcmgr ticket add "Skärm trasig" --customer "Åsa Öberg" --category repair >/dev/null
svcmgr ticket add "Ekraan vilgub" --customer "Jüri Tamm" --category repair >/dev/null

begin "inventory add prints the SKU exactly as typed, leading zeros and Unicode kept"
run svcmgr inventory add 00123 --name 'Näyttö 15"' --unit-cost 42.50 --reorder-point 4 \
    --supplier Elkomp --location "Hylly A" --lead-time 5d --holding-rate 20%
expect_status 0
expect_out "00123"
svcmgr inventory add "Šraf-M3" --name "Vijak M3" --unit-cost 0.10 >/dev/null
expect_eq "$(svcmgr inventory list --format csv | cut -d, -f1 | tr '\n' ' ')" "sku 00123 Šraf-M3 "
expect_eq "$(sql "SELECT sku, unit_cost, lead_time_days, holding_rate FROM part WHERE sku = '00123'")" "00123|4250|5|200"

begin "a duplicate SKU, or one that starts with a CSV guard character, is refused"
before=$(state)
run svcmgr inventory add 00123 --name again
expect_status 1
expect_err "svcmgr: error: a part with SKU '00123' already exists"
for sku in "=SUM(A1)" "+1" "-5" "@x" "'q" "＝x"; do
    run svcmgr inventory add "$sku" --name bad
    expect_status 2
    expect_err_contains "invalid SKU"
done
expect_eq "$(state)" "$before" "rows"

begin "bad money, lead time and holding rate are refused naming the value"
before=$(state)
run svcmgr inventory add P1 --name x --unit-cost 12,50
expect_status 2
expect_err "svcmgr: error: invalid value '12,50' for --unit-cost: expected an amount such as 12, 12.5 or 12.50"
run svcmgr inventory add P1 --name x --unit-cost 1e3
expect_status 2
run svcmgr inventory add P1 --name x --lead-time -5d
expect_status 2
expect_err_contains "invalid value '-5d' for --lead-time"
run svcmgr inventory add P1 --name x --holding-rate 250%
expect_status 2
expect_err_contains "invalid value '250%' for --holding-rate"
run svcmgr inventory add P1 --name x --order-rule lifo
expect_status 2
expect_eq "$(state)" "$before" "rows"

begin "receive adds to the ledger and updates the moving-average cost, half-up"
svcmgr inventory receive 00123 3 --unit-cost 40.00 >/dev/null
svcmgr inventory receive 00123 4 --unit-cost 41.01 >/dev/null
# (3 x 40.00 + 4 x 41.01) / 7 = 284.04 / 7 = 40.5771... -> 40.58
expect_eq "$(sql "SELECT on_hand, unit_cost FROM part WHERE sku = '00123'")" "7|4058"
ledger_ok

begin "consume needs a ticket, takes from stock at the average cost"
run svcmgr inventory consume 00123 2
expect_status 2
run svcmgr inventory consume 00123 2 --ticket 1
expect_status 0
expect_eq "$(sql "SELECT kind, qty, ticket_id, unit_cost FROM stock_move ORDER BY id DESC LIMIT 1")" "consume|-2|1|4058"
expect_eq "$(sql "SELECT on_hand FROM part WHERE sku = '00123'")" "5"
ledger_ok

begin "consuming more than is on hand is refused with exit 1 and nothing written"
before=$(state)
run svcmgr inventory consume 00123 6 --ticket 1
expect_status 1
expect_err "svcmgr: error: not enough '00123' in stock: 5 available to ticket 1, 6 asked"
expect_eq "$(state)" "$before" "rows"

begin "a ticket's cost of service includes the parts it consumed"
svcmgr config set hourly_cost 60 >/dev/null
svcmgr ticket comment 1 -m "fitted" --minutes 30 >/dev/null
# 30 min x 60.00/h = 30.00, plus 2 x 40.58 = 81.16
expect_eq "$(svcmgr ticket list customer:1 --format tsv --columns id,cost)" "$(printf '1\t111.16')"

begin "bad quantities, unknown SKU or ticket"
before=$(state)
for q in 0 -1 1.5 1e3 010 9223372036854775808; do
    run svcmgr inventory consume 00123 "$q" --ticket 1
    expect_status 2
done
run svcmgr inventory consume NOPE 1 --ticket 1
expect_status 1
expect_err "svcmgr: error: no part with SKU 'NOPE'"
run svcmgr inventory consume 00123 1 --ticket 99
expect_status 1
expect_err "svcmgr: error: no ticket with id 99"
expect_eq "$(state)" "$before" "rows"

begin "return puts back only what the ticket consumed"
run svcmgr inventory return 00123 3 --ticket 1
expect_status 1
expect_err "svcmgr: error: ticket 1 has 2 of '00123' to return, not 3"
run svcmgr inventory return 00123 1 --ticket 1
expect_status 0
expect_eq "$(sql "SELECT on_hand FROM part WHERE sku = '00123'")" "6"
ledger_ok

begin "adjust records a cycle count with its reason"
run svcmgr inventory adjust 00123 --to 4 --reason "cycle count"
expect_status 0
expect_eq "$(sql "SELECT kind, qty, note FROM stock_move ORDER BY id DESC LIMIT 1")" "adjust|-2|cycle count"
run svcmgr inventory adjust 00123 --to 4 --reason "same again"
expect_status 0
expect_eq "$(sql "SELECT count(*) FROM stock_move WHERE kind = 'adjust'")" "1"
ledger_ok

begin "history lists the ledger oldest first in every format"
run svcmgr inventory history 00123 --format tsv
expect_eq "$(cut -f3,4,5 "$T/out" | tr '\t\n' ', ')" "00123,receive,3 00123,receive,4 00123,consume,-2 00123,return,1 00123,adjust,-2 "
run svcmgr inventory history 00123 --format json
expect_status 0
python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); assert [r["qty"] for r in rows]==[3,4,-2,1,-2] and rows[0]["unit_cost"]=="40.00" and rows[0]["sku"]=="00123"' "$T/out" || fail "json"

begin "orders: receive fills the oldest open order first; on_order counts in the position"
o1=$(svcmgr inventory order 00123 5)
o2=$(svcmgr inventory order 00123 5 --supplier Other)
expect_eq "$(svcmgr inventory list 00123 --format tsv | cut -f5,6,7)" "$(printf '4\t0\t10')"
svcmgr inventory receive 00123 7 >/dev/null
expect_eq "$(sql "SELECT group_concat(id || ':' || received_qty, ' ') FROM stock_order")" "$o1:5 $o2:2"
expect_eq "$(svcmgr inventory orders --format tsv | cut -f1,3,4,5)" "$(printf '%s\t5\t2\tOther' "$o2")"

begin "list filters: below:reorder, stock:N, location:, supplier:, words"
expect_eq "$(svcmgr inventory list stock:0 --format tsv | cut -f1)" "Šraf-M3"
expect_eq "$(svcmgr inventory list "location:Hylly A" --format tsv | cut -f1)" "00123"
expect_eq "$(svcmgr inventory list supplier:Elkomp --format tsv | cut -f1)" "00123"
expect_eq "$(svcmgr inventory list VIJAK --format tsv | cut -f1)" "Šraf-M3"
svcmgr inventory adjust 00123 --to 1 --reason "broken in storage"
# position = on hand 1 - reserved 0 + on order 3 = 4, at the reorder point 4
expect_eq "$(svcmgr inventory list below:reorder --format tsv | cut -f1)" "00123"
svcmgr inventory update 00123 --reorder-point 3
expect_eq "$(svcmgr inventory list below:reorder --format tsv | cut -f1)" ""
svcmgr inventory receive 00123 3 >/dev/null
run svcmgr inventory list colour:red
expect_status 2

begin "ticket need: in stock reserves, out of stock moves the ticket to waiting_parts"
run svcmgr ticket need 1 00123 3
expect_status 0
expect_err "reserved 3 x 00123 for ticket 1"
expect_eq "$(sql 'SELECT status FROM ticket WHERE id = 1')" "new"
run svcmgr ticket need 2 00123 2
expect_status 0
expect_err "00123 is out of stock: ticket 2 waits for parts"
expect_eq "$(sql 'SELECT status FROM ticket WHERE id = 2')" "waiting_parts"

begin "another ticket cannot consume what is reserved"
run svcmgr inventory consume 00123 2 --ticket 2
expect_status 1
expect_err "svcmgr: error: not enough '00123' in stock: 1 available to ticket 2, 2 asked"

begin "receive lists the tickets it can unblock; --release reserves and resumes them"
run svcmgr inventory receive 00123 1
expect_status 0
expect_eq "$(sql 'SELECT status FROM ticket WHERE id = 2')" "waiting_parts"
grep -q "Ekraan vilgub" "$T/out" || fail "ticket 2 not listed"
run svcmgr inventory receive 00123 1 --release
expect_status 0
expect_eq "$(sql 'SELECT status FROM ticket WHERE id = 2')" "in_progress"
expect_eq "$(sql "SELECT state, qty FROM ticket_part WHERE ticket_id = 2")" "reserved|2"
run svcmgr inventory consume 00123 2 --ticket 2
expect_status 0
expect_eq "$(sql "SELECT count(*) FROM ticket_part WHERE ticket_id = 2")" "0"
ledger_ok

begin "audit verify and db check pass after all of it"
run svcmgr audit verify -q
expect_status 0
run svcmgr db check -q
expect_status 0

begin "audit log names a part by its SKU"
run svcmgr audit log --entity part:00123 --format tsv
expect_status 0
expect_eq "$(cut -f4,5,6 "$T/out" | sort -u | head -2 | tr '\t\n' ', ')" "adjust,part,1 consume,part,1 "
run svcmgr audit log --entity part:NOPE --format tsv
expect_status 0
expect_out ""

begin "a part changed behind svcmgr's back is caught"
sql "UPDATE part SET on_hand = on_hand + 5 WHERE sku = '00123'"
run svcmgr audit verify
expect_status 4
expect_out "part 1 differs from its last audit record (row $(sql "SELECT max(seq) FROM audit WHERE entity = 'part' AND entity_id = '1'")): it was changed outside svcmgr"
run svcmgr db check
expect_status 4
expect_out "part 00123 has on_hand $(sql "SELECT on_hand FROM part WHERE sku = '00123'") but its ledger sums to $(sql "SELECT sum(qty) FROM stock_move WHERE part_id = 1")"

begin "reorder and value from the command line; bad windows and service levels exit 2"
reset_db
at() { faketime -f "$1" "$SVCMGR" "${@:2}"; }
at "2026-11-01 09:00:00" ticket add "Repairs" --customer "Agus Pratama" >/dev/null
at "2026-11-01 09:00:00" inventory add R1 --name Roller --lead-time 4d --reorder-qty 30 >/dev/null
at "2026-11-01 09:00:00" inventory receive R1 12 --unit-cost 10 >/dev/null
for day in 18 20 22; do at "2026-11-$day 10:00:00" inventory consume R1 2 --ticket 1; done
# usage over 18..22 Nov: 2 0 2 0 2 -> 1.20/day, sigma 1.10; SS = 1.6449 x 1.0954 x 2 = 3.60;
# ROP = ceil(4.80 + 3.60) = 9; position 6 -> order the fixed 30 at 10.00
run at "2026-11-22 12:00:00" inventory reorder --window 5d --format tsv
expect_status 0
expect_out "$(printf 'R1\tRoller\t1.20\t1.10\t5.00\t4\t3.60\t6\t9\t30\t300.00')"
run at "2026-11-22 12:00:00" inventory value --window 5d --format json
expect_status 0
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r)==1 and r[0]["value"]=="60.00" and r[0]["holding_cost"]=="15.00" and r[0]["days_of_cover"]==5.0 and r[0]["dead"] is False, r' "$T/out" || fail "value json"
for bad in 0d 1.5d 12h -5d; do
    run svcmgr inventory reorder --window "$bad"
    expect_status 2
    expect_err_contains "invalid value '$bad' for --window"
done
for bad in 0% 100% 250% 95,5%; do
    run svcmgr inventory reorder --service-level "$bad"
    expect_status 2
    expect_err_contains "invalid value '$bad' for --service-level"
done

begin "list below:reorder and reorder agree on a computed reorder point"
# Over the default 90 days (R1's 22 days of life): usage 6/22 = 0.27/day, sigma 0.70,
# SS = 1.6449 x 0.7025 x 2 = 2.31, ROP = ceil(1.09 + 2.31) = 4; a reservation of 2 brings the
# position from 6 to 4. No reorder point is set on the part.
at "2026-11-22 12:00:00" ticket need 1 R1 2 2>/dev/null
run at "2026-11-22 12:00:00" inventory reorder --format tsv
expect_status 0
expect_out "$(printf 'R1\tRoller\t0.27\t0.70\t22.00\t4\t2.31\t4\t4\t30\t300.00')"
run at "2026-11-22 12:00:00" inventory list below:reorder --format tsv
expect_status 0
expect_out "$(printf 'R1\tRoller\t\t\t6\t2\t0\t\tfixed\t30\t\t\t\t4\t10.00\t\t60.00')"
at "2026-11-22 12:00:00" inventory update R1 --reorder-point 3
run at "2026-11-22 12:00:00" inventory reorder --format tsv
expect_out ""
run at "2026-11-22 12:00:00" inventory list below:reorder --format tsv
expect_status 0
expect_out ""

begin "two processes consuming the last unit at once: exactly one succeeds"
reset_db
svcmgr ticket add "A" --customer a >/dev/null
svcmgr ticket add "B" --customer b >/dev/null
svcmgr inventory add LAST --name "Viimane" >/dev/null
ok=0
for round in $(seq 1 10); do
    svcmgr inventory receive LAST 1 >/dev/null
    svcmgr inventory consume LAST 1 --ticket 1 2>"$T/e1" & p1=$!
    svcmgr inventory consume LAST 1 --ticket 2 2>"$T/e2" & p2=$!
    wait $p1; s1=$?
    wait $p2; s2=$?
    [ $((s1 + s2)) -eq 1 ] && ok=$((ok + 1))
done
expect_eq "$ok" "10" "rounds with exactly one success"
expect_eq "$(sql "SELECT on_hand, (SELECT sum(qty) FROM stock_move WHERE part_id = part.id) FROM part WHERE sku = 'LAST'")" "0|0"
grep -q "database is locked" "$T/e1" "$T/e2" && fail "a 'database is locked' error"

finish
