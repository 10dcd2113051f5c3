#!/usr/bin/env bash
# Parts and tickets: the cost of service through consume and return, reservations of finished
# tickets, `ticket need` refusals, many processes racing for the last units, and --help examples.
. "$(dirname "$0")/lib.sh"

state() { sql "SELECT (SELECT count(*) FROM part) || ' ' || (SELECT count(*) FROM stock_move) || ' ' || (SELECT count(*) FROM ticket_part) || ' ' || (SELECT count(*) FROM ticket_event) || ' ' || (SELECT count(*) FROM audit) || ' ' || (SELECT group_concat(status) FROM ticket)"; }
cost() { svcmgr ticket list "customer:$1" --format tsv --columns cost; }

svcmgr ticket add "Pesukone vuotaa" --customer "Aino Virtanen" --category repair >/dev/null
svcmgr ticket add "Perilica ne centrifugira" --customer "Ivan Horvat" --category repair >/dev/null
svcmgr inventory add 0042 --name "Tiiviste" --unit-cost 10.00 >/dev/null

begin "a return takes back what the ticket paid, even after the average cost moved"
svcmgr inventory receive 0042 2 >/dev/null
svcmgr inventory consume 0042 2 --ticket 1
expect_eq "$(cost 1)" "20.00" "cost after consuming 2 at 10.00"
svcmgr inventory receive 0042 2 --unit-cost 20.00 >/dev/null
run svcmgr inventory return 0042 1 --ticket 1
expect_status 0
expect_out ""
expect_eq "$(cost 1)" "10.00" "cost after returning one of them"
# back at 10.00, not at the average of 20.00: (2 x 20.00 + 10.00) / 3 = 16.67
expect_eq "$(sql "SELECT unit_cost FROM stock_move ORDER BY id DESC LIMIT 1") $(sql "SELECT unit_cost FROM part")" "1000 1667"
svcmgr inventory return 0042 1 --ticket 1
expect_eq "$(cost 1)" "0.00" "cost after returning both"
run svcmgr audit verify -q
expect_status 0

begin "ticket need refuses a bad quantity, an unknown ticket or SKU, and a closed ticket"
before=$(state)
for q in 0 -1 1.5 x; do
    run svcmgr ticket need 1 0042 "$q"
    expect_status 2
    expect_err "svcmgr: error: invalid quantity '$q': expected a whole number above 0"
done
run svcmgr ticket need 9 0042
expect_status 1
expect_err "svcmgr: error: no ticket with id 9"
run svcmgr ticket need 1 042
expect_status 1
expect_err "svcmgr: error: no part with SKU '042'"
svcmgr ticket resolve 2 >/dev/null
before=$(state)
run svcmgr ticket need 2 0042
expect_status 1
expect_err_contains "ticket 2 is resolved"
expect_eq "$(state)" "$before" "rows after refusals"
svcmgr ticket reopen 2 >/dev/null

begin "a resolved ticket's reservation no longer holds the stock back"
svcmgr inventory adjust 0042 --to 1 --reason "recount" >/dev/null
run svcmgr ticket need 1 0042
expect_status 0
expect_eq "$(svcmgr inventory list 0042 --format tsv | cut -f5,6)" "$(printf '1\t1')"
run svcmgr inventory consume 0042 1 --ticket 2
expect_status 1
svcmgr ticket resolve 1 >/dev/null
expect_eq "$(svcmgr inventory list 0042 --format tsv | cut -f5,6)" "$(printf '1\t0')"
run svcmgr inventory consume 0042 1 --ticket 2
expect_status 0
expect_eq "$(sql "SELECT on_hand, (SELECT sum(qty) FROM stock_move) FROM part")" "0|0"

begin "eight processes racing for three units: exactly three succeed, the rest exit 1"
svcmgr inventory add RACE --name "Viimeiset" >/dev/null
svcmgr inventory receive RACE 3 >/dev/null
pids=()
for i in 1 2 3 4 5 6 7 8; do
    svcmgr inventory consume RACE 1 --ticket 2 2>"$T/race-$i" &
    pids+=($!)
done
ok=0
refused=0
for pid in "${pids[@]}"; do
    if wait "$pid"; then ok=$((ok + 1)); else s=$?; [ "$s" -eq 1 ] && refused=$((refused + 1)); fi
done
expect_eq "$ok $refused" "3 5" "successes and refusals"
expect_eq "$(sql "SELECT on_hand, (SELECT sum(qty) FROM stock_move m WHERE m.part_id = part.id) FROM part WHERE sku = 'RACE'")" "0|0"
expect_eq "$(cat "$T"/race-* | sort -u)" "svcmgr: error: not enough 'RACE' in stock: 0 available to ticket 2, 1 asked"
run svcmgr db check -q
expect_status 0

begin "inventory value shows a total row for people, not in machine formats"
run svcmgr inventory value --format tsv
expect_status 0
expect_eq "$(cut -f1 "$T/out" | tr '\n' ' ')" "0042 RACE " "rows"
run svcmgr inventory value
expect_status 0
expect_eq "$(tail -1 "$T/out" | awk '{print $1}')" "total" "last line"
run svcmgr inventory value --format csv
expect_eq "$(head -1 "$T/out" | tr -d '\r')" "sku,name,on_hand,unit_cost,value,holding_rate,holding_cost,usage_per_day,days_of_cover,dead,excess_qty,excess_value,excess_holding_cost"
run svcmgr inventory reorder --format csv
expect_eq "$(head -1 "$T/out" | tr -d '\r')" "sku,name,usage_per_day,usage_sigma,days_of_cover,lead_time_days,safety_stock,position,reorder_point,order_qty,order_cost"

begin "a part never used that a ticket waits for is below its reorder point, not dead"
fresh=(--db "$T/never.db")
svcmgr "${fresh[@]}" ticket add "Näyttö rikki" --customer "Aino Virtanen" >/dev/null
svcmgr "${fresh[@]}" inventory add 0099 --name "Näyttö" --unit-cost 80.00 --reorder-qty 2 >/dev/null
svcmgr "${fresh[@]}" inventory add 0100 --name "Kaapeli" --unit-cost 5.00 >/dev/null
run svcmgr "${fresh[@]}" inventory reorder --format tsv
expect_status 0
expect_out ""
run svcmgr "${fresh[@]}" ticket need 1 0099
expect_status 0
expect_err "0099 is out of stock: ticket 1 waits for parts"
# Both out of stock; only the one ticket 1 waits for is short (usage 0, reorder point 0,
# position 0): order the fixed 2 at 80.00.
run svcmgr "${fresh[@]}" report inventory --format tsv
expect_status 0
expect_eq "$(cut -f1-6 "$T/out")" "$(printf '0099\tNäyttö\t0\tyes\tyes\t1\n0100\tKaapeli\t0\tyes\tno\t0\n\ttotal\t0\t\t\t1')" "report inventory"
run svcmgr "${fresh[@]}" inventory reorder --format tsv
expect_out "$(printf '0099\tNäyttö\t0.00\t0.00\t\t0\t0.00\t0\t0\t2\t160.00')"
run svcmgr "${fresh[@]}" inventory list --format tsv
expect_status 0
expect_eq "$(cut -f1,5-8 "$T/out")" "$(printf '0099\t0\t0\t0\t\n0100\t0\t0\t0\t')" "inventory list (sku, on_hand, reserved, on_order, reorder_point)"
# Resolved, nobody waits: nothing to order, and nothing below its reorder point.
svcmgr "${fresh[@]}" ticket resolve 1 >/dev/null
run svcmgr "${fresh[@]}" inventory reorder --format tsv
expect_out ""
run svcmgr "${fresh[@]}" report inventory --format tsv
expect_eq "$(cut -f5 "$T/out" | tr '\n' ' ')" "no no  " "below_reorder after the resolve"

begin "every inventory verb's --help ends with an example"
for verb in add update show list history receive consume return adjust order orders reorder value; do
    run svcmgr inventory "$verb" --help
    expect_status 0
    grep -q "^Example:" "$T/out" || fail "inventory $verb --help has no example"
    grep -q "^  svcmgr inventory $verb" "$T/out" || fail "inventory $verb example does not show the verb"
done
run svcmgr ticket need --help
expect_status 0
grep -q "^  svcmgr ticket need " "$T/out" || fail "ticket need --help has no example"

finish
