#!/usr/bin/env bash
# svcmgr report: every report in every format on a small fixture with frozen clocks (faketime -f),
# whose numbers are worked out below; --output (content, mode 0600, atomic, errors),
# --fail-on (exit 3 after writing), -q, byte-identical output under env -i, periods in local days
# of TZ (Europe/Stockholm, Asia/Jakarta), --month, and bad input.
. "$(dirname "$0")/lib.sh"

# A frozen clock at Unix time $1, written in the local time of TZ as faketime reads it.
clock() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
at() { faketime -f "$(clock "$1")" "$SVCMGR" "${@:2}" >/dev/null || echo "setup failed: $*" >&2; }
h=3600
d0=1794268800 # 2026-11-10T00:00:00Z, the day the reports below look at
now=$((d0 + 60 * h)) # 2026-11-12T12:00:00Z, when backlog and sla look
report() { faketime -f "$(clock "$now")" "$SVCMGR" report "$@"; }
day=(--since 2026-11-10 --until 2026-11-11)

# expect_report FORMAT EXPECTED ARGS...: `report ARGS --format FORMAT` at $now prints EXPECTED
# (csv compared without its CRs, after checking that every line ends with one).
expect_report() {
    local format=$1 expected=$2
    shift 2
    begin "report $* --format $format"
    run report "$@" --format "$format"
    expect_status 0
    expect_err ""
    if [ "$format" = csv ]; then
        [ "$(grep -vc $'\r$' "$T/out")" = 0 ] || fail "a csv line does not end with CRLF"
    fi
    expect_eq "$(tr -d '\r' <"$T/out")" "$expected" "output"
}

begin "every report of an empty database is a valid empty result"
for r in summary backlog sla causes customers agents inventory list; do
    for format in table csv tsv json jsonl; do
        run report "$r" --format "$format"
        [ "$rc" -eq 0 ] || fail "report $r --format $format: exit $rc"
        [ -s "$T/err" ] && fail "report $r --format $format wrote to stderr: $(err)"
        if [ "$format" = json ]; then
            python3 -c 'import json, sys; assert isinstance(json.load(sys.stdin), list)' \
                <"$T/out" || fail "report $r --format json is not a JSON array"
        fi
    done
done

begin "an empty summary is one (all) row of zeros and empty values"
run report summary --format csv
expect_status 0
expect_out "$(printf '%s\r\n' \
    'category,channel,opened,resolved,closed,backlog,first_response_median,first_response_p90,resolution_median,resolution_p90,first_response_business_median,resolution_business_median,sla_first_response_pct,sla_resolution_pct,sla_breaches,csat_avg,csat_pct,csat_response_rate,preventable,not_preventable,preventable_unknown,preventable_pct,repeat_contacts,chasers,cost' \
    '(all),(all),0,0,0,0,,,,,,,,,0,,,,0,0,0,,0,0,0.00')"

# The fixture (UTC; d0 = 2026-11-10T00:00Z), worked out by hand:
#  1 "Wrong size", Ana, returns/store, normal: created 11-09 22:00, first reply 07:00 (9 h:
#    breaches the 8 h target, 10 minutes), waits for parts from 20:00 (needs part 00456).
#  2 "Invoice charged twice", Åsa, billing/phone, high: created 08:00, reply 09:00 (30 min),
#    resolved 12:00 as billing-double-charge, preventable (4 h running <= 1 d), closed 13:00 with 5.
#  3 "Router dead", Jüri, repair/email, normal: created 09:00, reply 10:00 (20 min), started
#    10:30, waits for the customer 11:00, a chaser 14:00, started 15:00, resolved 17:00 as
#    router-firmware, not preventable (running 09-11 and 15-17: 4 h), closed 18:00, no rating.
#  4 "Invoice still wrong", Åsa again (a repeat contact of 2), billing/phone, normal: created
#    15:00, no reply: its first response fell due at 23:00, in the day.
# hourly_cost 60.00, so a minute costs 1.00.
at $((d0 - 3 * h)) config set hourly_cost 60.00
at $((d0 - 2 * h)) ticket add "Wrong size" --customer "Ana Kovač" --category returns --channel store
at $((d0 + 7 * h)) ticket comment 1 --reply -m "Exchange on its way" --minutes 10
at $((d0 + 8 * h)) ticket add "Invoice charged twice" --customer "Åsa Öberg" \
    --email asa@example.se --category billing --channel phone --priority high
at $((d0 + 9 * h)) ticket add "Router dead" --customer "Jüri Tamm" --email juri@example.ee \
    --category repair --channel email
at $((d0 + 9 * h)) ticket comment 2 --reply -m "Refund sent today" --minutes 30
at $((d0 + 10 * h)) ticket comment 3 --reply -m "Try a reset" --minutes 20
at $((d0 + 10 * h + 1800)) ticket start 3
at $((d0 + 11 * h)) ticket wait 3 --for customer
at $((d0 + 12 * h)) ticket resolve 2 --cause billing-double-charge --preventable
at $((d0 + 13 * h)) ticket close 2 --satisfaction 5
at $((d0 + 14 * h)) ticket comment 3 --inbound -m "Any news?"
at $((d0 + 15 * h)) ticket start 3
at $((d0 + 15 * h)) ticket add "Invoice still wrong" --customer "Åsa Öberg" \
    --email asa@example.se --category billing --channel phone
at $((d0 + 17 * h)) ticket resolve 3 --cause router-firmware --not-preventable
at $((d0 + 18 * h)) ticket close 3 --no-response
at $((d0 + 19 * h)) inventory add 00123 --name 'Näyttö 15"' --unit-cost 42.50
at $((d0 + 19 * h)) inventory receive 00123 2 --unit-cost 41.00
at $((d0 + 19 * h)) inventory add 00456 --name "Laturi" --unit-cost 10.00
at $((d0 + 20 * h)) ticket need 1 00456 2>/dev/null # "ticket 1 waits for parts"

begin "the fixture is in place"
expect_eq "$(sql "SELECT group_concat(status, ' ') FROM (SELECT status FROM ticket ORDER BY id) AS t")" \
    "waiting_parts closed closed new" "statuses"

SUMMARY_HEADER='category,channel,opened,resolved,closed,backlog,first_response_median,first_response_p90,resolution_median,resolution_p90,first_response_business_median,resolution_business_median,sla_first_response_pct,sla_resolution_pct,sla_breaches,csat_avg,csat_pct,csat_response_rate,preventable,not_preventable,preventable_unknown,preventable_pct,repeat_contacts,chasers,cost'
# (all): first responses 3600, 3600, 32400: p90 at 1.8 -> 3600 + 0.8 x 28800 = 26640; first
# response met by 2 and 3 of 2, 3, 1 and 4 (1 late, 4 fell due): 50.0; 1 of 2 closed rated.
begin "report summary of a day in csv, worked out by hand"
run report summary "${day[@]}" --format csv
expect_status 0
expect_err ""
expect_out "$(printf '%s\r\n' "$SUMMARY_HEADER" \
    'billing,phone,2,1,1,1,3600,3600,14400,14400,3600,14400,50.0,100.0,1,5.00,100.0,100.0,1,0,0,100.0,1,0,30.00' \
    'repair,email,1,1,1,0,3600,3600,14400,14400,3600,14400,100.0,100.0,0,,,0.0,0,1,0,0.0,0,1,20.00' \
    'returns,store,0,0,0,1,32400,32400,,,32400,,0.0,,1,,,,0,0,0,,0,0,10.00' \
    '(all),(all),3,2,2,2,3600,26640,14400,14400,3600,14400,50.0,100.0,2,5.00,100.0,50.0,1,1,0,50.0,1,1,60.00')"

# ---- every report in every format, as a person and a script read them -------------------------
# causes: 2 resolved (billing-double-charge yes, 30.00, charged the repeat contact 4; router-
# firmware no, 20.00, its chaser). customers: Åsa opened 2 (4 a repeat), rated 5; Jüri 1, a
# chaser, closed without a rating; Ana opened hers the day before. agents: nobody assigned:
# 2 handled, median 4 h, 10 + 30 + 20 minutes. inventory: 00123 2 x 41.00 = 82.00, holding 25%
# = 20.50, no usage so reorder point 0 and order 1: 1 in excess; 00456 out, ticket 1 waits for
# it from 20:00: 4 h of the day. backlog at 11-12 12:00: 4 new 45 h old, 1 waiting 62 h old.
# sla: 4's first response was due 11-10 23:00 (37 h over); its resolution (3 d, running since
# 15:00) falls due 11-13 15:00, within 2d but not 4h; 1 is paused at 22 h.
expect_report table "$(cat <<'EOF'
category  channel  opened  resolved  closed  backlog  first_response_median  first_response_p90  resolution_median  resolution_p90  first_response_business_median  resolution_business_median  sla_first_response_pct  sla_resolution_pct  sla_breaches  csat_avg  csat_pct  csat_response_rate  preventable  not_preventable  preventable_unknown  preventable_pct  repeat_contacts  chasers   cost
billing   phone         2         1       1        1                     1h                  1h                 4h              4h                              1h                          4h                    50.0               100.0             1      5.00     100.0               100.0            1                0                    0            100.0                1        0  30.00
repair    email         1         1       1        0                     1h                  1h                 4h              4h                              1h                          4h                   100.0               100.0             0                                     0.0            0                1                    0              0.0                0        1  20.00
returns   store         0         0       0        1                     9h                  9h                                                                 9h                                                 0.0                                 1                                                    0                0                    0                                 0        0  10.00
(all)     (all)         3         2       2        2                     1h              7h 24m                 4h              4h                              1h                          4h                    50.0               100.0             2      5.00     100.0                50.0            1                1                    0             50.0                1        1  60.00
EOF
)" summary "${day[@]}"
expect_report csv "$(cat <<'EOF'
category,channel,opened,resolved,closed,backlog,first_response_median,first_response_p90,resolution_median,resolution_p90,first_response_business_median,resolution_business_median,sla_first_response_pct,sla_resolution_pct,sla_breaches,csat_avg,csat_pct,csat_response_rate,preventable,not_preventable,preventable_unknown,preventable_pct,repeat_contacts,chasers,cost
billing,phone,2,1,1,1,3600,3600,14400,14400,3600,14400,50.0,100.0,1,5.00,100.0,100.0,1,0,0,100.0,1,0,30.00
repair,email,1,1,1,0,3600,3600,14400,14400,3600,14400,100.0,100.0,0,,,0.0,0,1,0,0.0,0,1,20.00
returns,store,0,0,0,1,32400,32400,,,32400,,0.0,,1,,,,0,0,0,,0,0,10.00
(all),(all),3,2,2,2,3600,26640,14400,14400,3600,14400,50.0,100.0,2,5.00,100.0,50.0,1,1,0,50.0,1,1,60.00
EOF
)" summary "${day[@]}"
expect_report tsv "$(cat <<'EOF'
billing	phone	2	1	1	1	3600	3600	14400	14400	3600	14400	50.0	100.0	1	5.00	100.0	100.0	1	0	0	100.0	1	0	30.00
repair	email	1	1	1	0	3600	3600	14400	14400	3600	14400	100.0	100.0	0			0.0	0	1	0	0.0	0	1	20.00
returns	store	0	0	0	1	32400	32400			32400		0.0		1				0	0	0		0	0	10.00
(all)	(all)	3	2	2	2	3600	26640	14400	14400	3600	14400	50.0	100.0	2	5.00	100.0	50.0	1	1	0	50.0	1	1	60.00
EOF
)" summary "${day[@]}"
expect_report json "$(cat <<'EOF'
[
{"category":"billing","channel":"phone","opened":2,"resolved":1,"closed":1,"backlog":1,"first_response_median":3600,"first_response_p90":3600,"resolution_median":14400,"resolution_p90":14400,"first_response_business_median":3600,"resolution_business_median":14400,"sla_first_response_pct":50.0,"sla_resolution_pct":100.0,"sla_breaches":1,"csat_avg":5.00,"csat_pct":100.0,"csat_response_rate":100.0,"preventable":1,"not_preventable":0,"preventable_unknown":0,"preventable_pct":100.0,"repeat_contacts":1,"chasers":0,"cost":"30.00"},
{"category":"repair","channel":"email","opened":1,"resolved":1,"closed":1,"backlog":0,"first_response_median":3600,"first_response_p90":3600,"resolution_median":14400,"resolution_p90":14400,"first_response_business_median":3600,"resolution_business_median":14400,"sla_first_response_pct":100.0,"sla_resolution_pct":100.0,"sla_breaches":0,"csat_avg":null,"csat_pct":null,"csat_response_rate":0.0,"preventable":0,"not_preventable":1,"preventable_unknown":0,"preventable_pct":0.0,"repeat_contacts":0,"chasers":1,"cost":"20.00"},
{"category":"returns","channel":"store","opened":0,"resolved":0,"closed":0,"backlog":1,"first_response_median":32400,"first_response_p90":32400,"resolution_median":null,"resolution_p90":null,"first_response_business_median":32400,"resolution_business_median":null,"sla_first_response_pct":0.0,"sla_resolution_pct":null,"sla_breaches":1,"csat_avg":null,"csat_pct":null,"csat_response_rate":null,"preventable":0,"not_preventable":0,"preventable_unknown":0,"preventable_pct":null,"repeat_contacts":0,"chasers":0,"cost":"10.00"},
{"category":"(all)","channel":"(all)","opened":3,"resolved":2,"closed":2,"backlog":2,"first_response_median":3600,"first_response_p90":26640,"resolution_median":14400,"resolution_p90":14400,"first_response_business_median":3600,"resolution_business_median":14400,"sla_first_response_pct":50.0,"sla_resolution_pct":100.0,"sla_breaches":2,"csat_avg":5.00,"csat_pct":100.0,"csat_response_rate":50.0,"preventable":1,"not_preventable":1,"preventable_unknown":0,"preventable_pct":50.0,"repeat_contacts":1,"chasers":1,"cost":"60.00"}
]
EOF
)" summary "${day[@]}"
expect_report jsonl "$(cat <<'EOF'
{"category":"billing","channel":"phone","opened":2,"resolved":1,"closed":1,"backlog":1,"first_response_median":3600,"first_response_p90":3600,"resolution_median":14400,"resolution_p90":14400,"first_response_business_median":3600,"resolution_business_median":14400,"sla_first_response_pct":50.0,"sla_resolution_pct":100.0,"sla_breaches":1,"csat_avg":5.00,"csat_pct":100.0,"csat_response_rate":100.0,"preventable":1,"not_preventable":0,"preventable_unknown":0,"preventable_pct":100.0,"repeat_contacts":1,"chasers":0,"cost":"30.00"}
{"category":"repair","channel":"email","opened":1,"resolved":1,"closed":1,"backlog":0,"first_response_median":3600,"first_response_p90":3600,"resolution_median":14400,"resolution_p90":14400,"first_response_business_median":3600,"resolution_business_median":14400,"sla_first_response_pct":100.0,"sla_resolution_pct":100.0,"sla_breaches":0,"csat_avg":null,"csat_pct":null,"csat_response_rate":0.0,"preventable":0,"not_preventable":1,"preventable_unknown":0,"preventable_pct":0.0,"repeat_contacts":0,"chasers":1,"cost":"20.00"}
{"category":"returns","channel":"store","opened":0,"resolved":0,"closed":0,"backlog":1,"first_response_median":32400,"first_response_p90":32400,"resolution_median":null,"resolution_p90":null,"first_response_business_median":32400,"resolution_business_median":null,"sla_first_response_pct":0.0,"sla_resolution_pct":null,"sla_breaches":1,"csat_avg":null,"csat_pct":null,"csat_response_rate":null,"preventable":0,"not_preventable":0,"preventable_unknown":0,"preventable_pct":null,"repeat_contacts":0,"chasers":0,"cost":"10.00"}
{"category":"(all)","channel":"(all)","opened":3,"resolved":2,"closed":2,"backlog":2,"first_response_median":3600,"first_response_p90":26640,"resolution_median":14400,"resolution_p90":14400,"first_response_business_median":3600,"resolution_business_median":14400,"sla_first_response_pct":50.0,"sla_resolution_pct":100.0,"sla_breaches":2,"csat_avg":5.00,"csat_pct":100.0,"csat_response_rate":50.0,"preventable":1,"not_preventable":1,"preventable_unknown":0,"preventable_pct":50.0,"repeat_contacts":1,"chasers":1,"cost":"60.00"}
EOF
)" summary "${day[@]}"
expect_report table "$(cat <<'EOF'
cause                  preventable  tickets  share  cumulative_share   cost  repeat_contacts  chasers
billing-double-charge  yes                1   50.0              50.0  30.00                1        0
router-firmware        no                 1   50.0             100.0  20.00                0        1
EOF
)" causes "${day[@]}"
expect_report csv "$(cat <<'EOF'
cause,preventable,tickets,share,cumulative_share,cost,repeat_contacts,chasers
billing-double-charge,yes,1,50.0,50.0,30.00,1,0
router-firmware,no,1,50.0,100.0,20.00,0,1
EOF
)" causes "${day[@]}"
expect_report tsv "$(cat <<'EOF'
billing-double-charge	yes	1	50.0	50.0	30.00	1	0
router-firmware	no	1	50.0	100.0	20.00	0	1
EOF
)" causes "${day[@]}"
expect_report json "$(cat <<'EOF'
[
{"cause":"billing-double-charge","preventable":true,"tickets":1,"share":50.0,"cumulative_share":50.0,"cost":"30.00","repeat_contacts":1,"chasers":0},
{"cause":"router-firmware","preventable":false,"tickets":1,"share":50.0,"cumulative_share":100.0,"cost":"20.00","repeat_contacts":0,"chasers":1}
]
EOF
)" causes "${day[@]}"
expect_report jsonl "$(cat <<'EOF'
{"cause":"billing-double-charge","preventable":true,"tickets":1,"share":50.0,"cumulative_share":50.0,"cost":"30.00","repeat_contacts":1,"chasers":0}
{"cause":"router-firmware","preventable":false,"tickets":1,"share":50.0,"cumulative_share":100.0,"cost":"20.00","repeat_contacts":0,"chasers":1}
EOF
)" causes "${day[@]}"
expect_report table "$(cat <<'EOF'
customer_id  customer   email            tickets  repeat_contacts  chasers  closed  rated  csat_avg  csat_pct
          2  Åsa Öberg  asa@example.se         2                1        0       1      1      5.00     100.0
          3  Jüri Tamm  juri@example.ee        1                0        1       1      0
EOF
)" customers "${day[@]}"
expect_report csv "$(cat <<'EOF'
customer_id,customer,email,tickets,repeat_contacts,chasers,closed,rated,csat_avg,csat_pct
2,Åsa Öberg,asa@example.se,2,1,0,1,1,5.00,100.0
3,Jüri Tamm,juri@example.ee,1,0,1,1,0,,
EOF
)" customers "${day[@]}"
expect_report tsv "$(cat <<'EOF'
2	Åsa Öberg	asa@example.se	2	1	0	1	1	5.00	100.0
3	Jüri Tamm	juri@example.ee	1	0	1	1	0		
EOF
)" customers "${day[@]}"
expect_report json "$(cat <<'EOF'
[
{"customer_id":2,"customer":"Åsa Öberg","email":"asa@example.se","tickets":2,"repeat_contacts":1,"chasers":0,"closed":1,"rated":1,"csat_avg":5.00,"csat_pct":100.0},
{"customer_id":3,"customer":"Jüri Tamm","email":"juri@example.ee","tickets":1,"repeat_contacts":0,"chasers":1,"closed":1,"rated":0,"csat_avg":null,"csat_pct":null}
]
EOF
)" customers "${day[@]}"
expect_report jsonl "$(cat <<'EOF'
{"customer_id":2,"customer":"Åsa Öberg","email":"asa@example.se","tickets":2,"repeat_contacts":1,"chasers":0,"closed":1,"rated":1,"csat_avg":5.00,"csat_pct":100.0}
{"customer_id":3,"customer":"Jüri Tamm","email":"juri@example.ee","tickets":1,"repeat_contacts":0,"chasers":1,"closed":1,"rated":0,"csat_avg":null,"csat_pct":null}
EOF
)" customers "${day[@]}"
expect_report table "$(cat <<'EOF'
assignee  handled  resolution_median  closed  rated  csat_avg  csat_pct  minutes
(none)          2                 4h       2      1      5.00     100.0       60
EOF
)" agents "${day[@]}"
expect_report csv "$(cat <<'EOF'
assignee,handled,resolution_median,closed,rated,csat_avg,csat_pct,minutes
(none),2,14400,2,1,5.00,100.0,60
EOF
)" agents "${day[@]}"
expect_report tsv "$(cat <<'EOF'
(none)	2	14400	2	1	5.00	100.0	60
EOF
)" agents "${day[@]}"
expect_report json "$(cat <<'EOF'
[
{"assignee":"(none)","handled":2,"resolution_median":14400,"closed":2,"rated":1,"csat_avg":5.00,"csat_pct":100.0,"minutes":60}
]
EOF
)" agents "${day[@]}"
expect_report jsonl "$(cat <<'EOF'
{"assignee":"(none)","handled":2,"resolution_median":14400,"closed":2,"rated":1,"csat_avg":5.00,"csat_pct":100.0,"minutes":60}
EOF
)" agents "${day[@]}"
expect_report table "$(cat <<'EOF'
sku    name        on_hand  stockout  below_reorder  tickets_waiting  value  holding_cost  excess_qty  excess_value  wait_time
00123  Näyttö 15"        2  no        no                           0  82.00         20.50           1         41.00
00456  Laturi            0  yes       yes                          1   0.00          0.00           0          0.00
       total             2                                         1  82.00         20.50           1         41.00         4h
EOF
)" inventory "${day[@]}"
expect_report csv "$(cat <<'EOF'
sku,name,on_hand,stockout,below_reorder,tickets_waiting,value,holding_cost,excess_qty,excess_value,wait_time
00123,"Näyttö 15""",2,no,no,0,82.00,20.50,1,41.00,
00456,Laturi,0,yes,yes,1,0.00,0.00,0,0.00,
,total,2,,,1,82.00,20.50,1,41.00,14400
EOF
)" inventory "${day[@]}"
expect_report tsv "$(cat <<'EOF'
00123	Näyttö 15"	2	no	no	0	82.00	20.50	1	41.00	
00456	Laturi	0	yes	yes	1	0.00	0.00	0	0.00	
	total	2			1	82.00	20.50	1	41.00	14400
EOF
)" inventory "${day[@]}"
expect_report json "$(cat <<'EOF'
[
{"sku":"00123","name":"Näyttö 15\"","on_hand":2,"stockout":false,"below_reorder":false,"tickets_waiting":0,"value":"82.00","holding_cost":"20.50","excess_qty":1,"excess_value":"41.00","wait_time":null},
{"sku":"00456","name":"Laturi","on_hand":0,"stockout":true,"below_reorder":true,"tickets_waiting":1,"value":"0.00","holding_cost":"0.00","excess_qty":0,"excess_value":"0.00","wait_time":null},
{"sku":null,"name":"total","on_hand":2,"stockout":null,"below_reorder":null,"tickets_waiting":1,"value":"82.00","holding_cost":"20.50","excess_qty":1,"excess_value":"41.00","wait_time":14400}
]
EOF
)" inventory "${day[@]}"
expect_report jsonl "$(cat <<'EOF'
{"sku":"00123","name":"Näyttö 15\"","on_hand":2,"stockout":false,"below_reorder":false,"tickets_waiting":0,"value":"82.00","holding_cost":"20.50","excess_qty":1,"excess_value":"41.00","wait_time":null}
{"sku":"00456","name":"Laturi","on_hand":0,"stockout":true,"below_reorder":true,"tickets_waiting":1,"value":"0.00","holding_cost":"0.00","excess_qty":0,"excess_value":"0.00","wait_time":null}
{"sku":null,"name":"total","on_hand":2,"stockout":null,"below_reorder":null,"tickets_waiting":1,"value":"82.00","holding_cost":"20.50","excess_qty":1,"excess_value":"41.00","wait_time":14400}
EOF
)" inventory "${day[@]}"
expect_report table "$(cat <<'EOF'
status            age_lt_1d  age_1d_3d  age_3d_7d  age_7d_30d  age_gt_30d  total  oldest_age
new                       0          1          0           0           0      1      1d 21h
open                      0          0          0           0           0      0
in_progress               0          0          0           0           0      0
waiting_customer          0          0          0           0           0      0
waiting_parts             0          1          0           0           0      1      2d 14h
(all)                     0          2          0           0           0      2      2d 14h
EOF
)" backlog
expect_report csv "$(cat <<'EOF'
status,age_lt_1d,age_1d_3d,age_3d_7d,age_7d_30d,age_gt_30d,total,oldest_age
new,0,1,0,0,0,1,162000
open,0,0,0,0,0,0,
in_progress,0,0,0,0,0,0,
waiting_customer,0,0,0,0,0,0,
waiting_parts,0,1,0,0,0,1,223200
(all),0,2,0,0,0,2,223200
EOF
)" backlog
expect_report tsv "$(cat <<'EOF'
new	0	1	0	0	0	1	162000
open	0	0	0	0	0	0	
in_progress	0	0	0	0	0	0	
waiting_customer	0	0	0	0	0	0	
waiting_parts	0	1	0	0	0	1	223200
(all)	0	2	0	0	0	2	223200
EOF
)" backlog
expect_report json "$(cat <<'EOF'
[
{"status":"new","age_lt_1d":0,"age_1d_3d":1,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":1,"oldest_age":162000},
{"status":"open","age_lt_1d":0,"age_1d_3d":0,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":0,"oldest_age":null},
{"status":"in_progress","age_lt_1d":0,"age_1d_3d":0,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":0,"oldest_age":null},
{"status":"waiting_customer","age_lt_1d":0,"age_1d_3d":0,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":0,"oldest_age":null},
{"status":"waiting_parts","age_lt_1d":0,"age_1d_3d":1,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":1,"oldest_age":223200},
{"status":"(all)","age_lt_1d":0,"age_1d_3d":2,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":2,"oldest_age":223200}
]
EOF
)" backlog
expect_report jsonl "$(cat <<'EOF'
{"status":"new","age_lt_1d":0,"age_1d_3d":1,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":1,"oldest_age":162000}
{"status":"open","age_lt_1d":0,"age_1d_3d":0,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":0,"oldest_age":null}
{"status":"in_progress","age_lt_1d":0,"age_1d_3d":0,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":0,"oldest_age":null}
{"status":"waiting_customer","age_lt_1d":0,"age_1d_3d":0,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":0,"oldest_age":null}
{"status":"waiting_parts","age_lt_1d":0,"age_1d_3d":1,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":1,"oldest_age":223200}
{"status":"(all)","age_lt_1d":0,"age_1d_3d":2,"age_3d_7d":0,"age_7d_30d":0,"age_gt_30d":0,"total":2,"oldest_age":223200}
EOF
)" backlog
expect_report table "$(cat <<'EOF'
id  status         priority  category  customer   assignee  created_at           age  title
 1  waiting_parts  normal    returns   Ana Kovač            2026-11-09 22:00  2d 14h  Wrong size
 4  new            normal    billing   Åsa Öberg            2026-11-10 15:00  1d 21h  Invoice still wrong
EOF
)" backlog --detail
expect_report csv "$(cat <<'EOF'
id,status,priority,category,customer,assignee,created_at,age,title
1,waiting_parts,normal,returns,Ana Kovač,,2026-11-09T22:00:00Z,223200,Wrong size
4,new,normal,billing,Åsa Öberg,,2026-11-10T15:00:00Z,162000,Invoice still wrong
EOF
)" backlog --detail
expect_report tsv "$(cat <<'EOF'
1	waiting_parts	normal	returns	Ana Kovač		2026-11-09T22:00:00Z	223200	Wrong size
4	new	normal	billing	Åsa Öberg		2026-11-10T15:00:00Z	162000	Invoice still wrong
EOF
)" backlog --detail
expect_report json "$(cat <<'EOF'
[
{"id":1,"status":"waiting_parts","priority":"normal","category":"returns","customer":"Ana Kovač","assignee":null,"created_at":"2026-11-09T22:00:00Z","age":223200,"title":"Wrong size"},
{"id":4,"status":"new","priority":"normal","category":"billing","customer":"Åsa Öberg","assignee":null,"created_at":"2026-11-10T15:00:00Z","age":162000,"title":"Invoice still wrong"}
]
EOF
)" backlog --detail
expect_report jsonl "$(cat <<'EOF'
{"id":1,"status":"waiting_parts","priority":"normal","category":"returns","customer":"Ana Kovač","assignee":null,"created_at":"2026-11-09T22:00:00Z","age":223200,"title":"Wrong size"}
{"id":4,"status":"new","priority":"normal","category":"billing","customer":"Åsa Öberg","assignee":null,"created_at":"2026-11-10T15:00:00Z","age":162000,"title":"Invoice still wrong"}
EOF
)" backlog --detail
expect_report table "$(cat <<'EOF'
id  clock           priority  status  assignee  target  elapsed  due_at            overdue  title
 4  first_response  normal    new                   8h   1d 21h  2026-11-10 23:00   1d 13h  Invoice still wrong
EOF
)" sla
expect_report csv "$(cat <<'EOF'
id,clock,priority,status,assignee,target,elapsed,due_at,overdue,title
4,first_response,normal,new,,28800,162000,2026-11-10T23:00:00Z,133200,Invoice still wrong
EOF
)" sla
expect_report tsv "$(cat <<'EOF'
4	first_response	normal	new		28800	162000	2026-11-10T23:00:00Z	133200	Invoice still wrong
EOF
)" sla
expect_report json "$(cat <<'EOF'
[
{"id":4,"clock":"first_response","priority":"normal","status":"new","assignee":null,"target":28800,"elapsed":162000,"due_at":"2026-11-10T23:00:00Z","overdue":133200,"title":"Invoice still wrong"}
]
EOF
)" sla
expect_report jsonl "$(cat <<'EOF'
{"id":4,"clock":"first_response","priority":"normal","status":"new","assignee":null,"target":28800,"elapsed":162000,"due_at":"2026-11-10T23:00:00Z","overdue":133200,"title":"Invoice still wrong"}
EOF
)" sla
expect_report table "$(cat <<'EOF'
id  clock           priority  status  assignee  target  elapsed  due_at            overdue  title
 4  first_response  normal    new                   8h   1d 21h  2026-11-10 23:00   1d 13h  Invoice still wrong
 4  resolution      normal    new                   3d   1d 21h  2026-11-13 15:00           Invoice still wrong
EOF
)" sla --within 2d
expect_report csv "$(cat <<'EOF'
id,clock,priority,status,assignee,target,elapsed,due_at,overdue,title
4,first_response,normal,new,,28800,162000,2026-11-10T23:00:00Z,133200,Invoice still wrong
4,resolution,normal,new,,259200,162000,2026-11-13T15:00:00Z,,Invoice still wrong
EOF
)" sla --within 2d
expect_report tsv "$(cat <<'EOF'
4	first_response	normal	new		28800	162000	2026-11-10T23:00:00Z	133200	Invoice still wrong
4	resolution	normal	new		259200	162000	2026-11-13T15:00:00Z		Invoice still wrong
EOF
)" sla --within 2d
expect_report json "$(cat <<'EOF'
[
{"id":4,"clock":"first_response","priority":"normal","status":"new","assignee":null,"target":28800,"elapsed":162000,"due_at":"2026-11-10T23:00:00Z","overdue":133200,"title":"Invoice still wrong"},
{"id":4,"clock":"resolution","priority":"normal","status":"new","assignee":null,"target":259200,"elapsed":162000,"due_at":"2026-11-13T15:00:00Z","overdue":null,"title":"Invoice still wrong"}
]
EOF
)" sla --within 2d
expect_report jsonl "$(cat <<'EOF'
{"id":4,"clock":"first_response","priority":"normal","status":"new","assignee":null,"target":28800,"elapsed":162000,"due_at":"2026-11-10T23:00:00Z","overdue":133200,"title":"Invoice still wrong"}
{"id":4,"clock":"resolution","priority":"normal","status":"new","assignee":null,"target":259200,"elapsed":162000,"due_at":"2026-11-13T15:00:00Z","overdue":null,"title":"Invoice still wrong"}
EOF
)" sla --within 2d

begin "the summary row of every format carries the same numbers"
for format in csv tsv json jsonl; do
    report summary "${day[@]}" --format "$format" >"$T/summary.$format"
done
python3 - "$T" <<'PY' || fail "formats differ"
import csv, io, json, sys
t = sys.argv[1]
rows = list(csv.reader(io.open(f"{t}/summary.csv", newline="", encoding="utf-8")))
header, body = rows[0], rows[1:]
tsv = [line.split("\t") for line in open(f"{t}/summary.tsv", encoding="utf-8").read().splitlines()]
js = json.load(open(f"{t}/summary.json"))
jl = [json.loads(line) for line in open(f"{t}/summary.jsonl")]
assert body == tsv, (body, tsv)
assert js == jl
for row, obj in zip(body, js):
    assert list(obj) == header
    for cell, (name, v) in zip(row, obj.items()):
        assert cell == ("" if v is None else str(v) if not isinstance(v, float) else cell), name
        if isinstance(v, float):
            assert float(cell) == v, name
PY

# ---- --output, -q and --fail-on --------------------------------------------------------------

begin "--output writes the same bytes as stdout, mode 0600 under umask 022, no temp file left"
mkdir -p reports
report summary "${day[@]}" --format csv >"$T/stdout.csv"
(umask 022 && report summary "${day[@]}" --format csv --output reports/daily.csv) >"$T/out" 2>"$T/err"
rc=$?
expect_status 0
expect_out ""
expect_err "report summary written to reports/daily.csv"
cmp -s reports/daily.csv "$T/stdout.csv" || fail "the file differs from stdout"
expect_eq "$(stat -c %a reports/daily.csv)" "600" "mode"
expect_eq "$(ls -A reports)" "daily.csv" "files in the directory"

begin "--output replaces an older report whole"
echo "yesterday's report" >reports/daily.csv
chmod 0644 reports/daily.csv
run report causes "${day[@]}" --format json --output reports/daily.csv -q
expect_status 0
expect_out ""
expect_err ""
expect_eq "$(head -c 11 reports/daily.csv)" '[
{"cause":' "content"
expect_eq "$(stat -c %a reports/daily.csv)" "600" "mode"
expect_eq "$(ls -A reports)" "daily.csv" "files in the directory"

begin "-q prints nothing on success"
run report summary "${day[@]}" --format tsv --output reports/q.tsv -q
expect_status 0
expect_out ""
expect_err ""
[ -s reports/q.tsv ] || fail "nothing written"

begin "--fail-on crossed: the report is written first, then exit 3 naming the metric"
rm -f reports/daily.csv
run report summary "${day[@]}" --format csv --output reports/daily.csv -q \
    --fail-on 'sla_breaches>1' --fail-on 'cost>=60' --fail-on 'csat_avg<4.5'
expect_status 3
expect_out ""
expect_err "svcmgr: error: report summary: sla_breaches is 2 (--fail-on 'sla_breaches>1')
svcmgr: error: report summary: cost is 60.00 (--fail-on 'cost>=60')"
cmp -s reports/daily.csv "$T/stdout.csv" || fail "the report was not written whole"

begin "--fail-on crossed without --output prints the report on stdout, then exits 3"
run report sla --fail-on 'sla_breaches>0'
expect_status 3
[ "$(wc -l <"$T/out")" = 2 ] || fail "stdout: $(out)"
expect_err "svcmgr: error: report sla: sla_breaches is 1 (--fail-on 'sla_breaches>0')"

begin "--fail-on not crossed exits 0; an empty metric never crosses"
run report summary "${day[@]}" -q --output reports/ok.csv --fail-on 'sla_breaches>2' \
    --fail-on 'first_response_p90<=7h' --fail-on 'csat_pct<100'
expect_status 0
expect_err ""
run report summary --since 2026-11-11 --until 2026-11-12 --fail-on 'csat_avg<4.0' -q
expect_status 0
expect_err ""
run report backlog --fail-on 'oldest_age>2d' --fail-on 'backlog>=2' -q
expect_status 3
expect_err "svcmgr: error: report backlog: oldest_age is 223200s (--fail-on 'oldest_age>2d')
svcmgr: error: report backlog: backlog is 2 (--fail-on 'backlog>=2')"
run report inventory "${day[@]}" --fail-on 'stockouts>0' --format tsv -q
expect_status 3
expect_err "svcmgr: error: report inventory: stockouts is 1 (--fail-on 'stockouts>0')"

begin "an --output directory that does not exist: 66, nothing created"
run report summary "${day[@]}" --output "$T/missing/daily.csv"
expect_status 66
expect_out ""
expect_err "svcmgr: error: cannot write the report to '$T/missing/daily.csv': No such file or directory"
[ -e "$T/missing" ] && fail "created the directory"

begin "an --output that is a directory: the temp file is removed, nothing left"
mkdir -p reports/taken
run report summary "${day[@]}" --output reports/taken
expect_status 66
expect_err "svcmgr: error: cannot write the report to 'reports/taken': Is a directory"
expect_eq "$(ls -A reports | tr '\n' ' ')" "daily.csv ok.csv q.tsv taken " "files in the directory"

begin "an --output directory that may not be written: 77, nothing left"
mkdir -p nobody/locked
cp "$SVCMGR" nobody/svcmgr
if on_postgres; then
    nobody_db=$DB
else
    sqlite3 "$DB" "VACUUM INTO '$T/nobody/svcmgr.db'"
    nobody_db=nobody/svcmgr.db
fi
# As an unprivileged user: root would write anyway.
if [ "$(id -u)" -eq 0 ]; then
    chown -R 65534 nobody
    chown 0 nobody/locked
    chmod 0755 nobody nobody/locked
    as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
    chmod 0555 nobody/locked
    as_user() { "$@"; }
fi
run as_user nobody/svcmgr --db "$nobody_db" report summary "${day[@]}" \
    --output nobody/locked/daily.csv
expect_status 77
expect_err "svcmgr: error: cannot write the report to 'nobody/locked/daily.csv': Permission denied"
expect_eq "$(ls -A nobody/locked)" "" "files in the directory"

# ---- cron and time zones ---------------------------------------------------------------------

mkdir -p cronhome
cron() {
    (cd "$T/cronhome" && env -i PATH=/usr/bin:/bin HOME="$T/cronhome" TZ=UTC "$SVCMGR" "$@")
}
for r in summary causes customers agents inventory; do
    for format in csv tsv json jsonl; do
        begin "report $r --format $format is byte-identical under env -i"
        "$SVCMGR" report "$r" "${day[@]}" --format "$format" >"$T/mine" 2>"$T/err"
        cron --db "$DB" report "$r" "${day[@]}" --format "$format" >"$T/cron" 2>"$T/err"
        [ -s "$T/cron" ] || fail "no output under env -i"
        cmp -s "$T/mine" "$T/cron" || fail "outputs differ: $(diff "$T/mine" "$T/cron" | head -4)"
    done
done

begin "--output under env -i writes what an interactive run prints"
cron --db "$DB" report summary "${day[@]}" --format csv --output "$T/reports/cron.csv" -q
cmp -s "$T/reports/cron.csv" "$T/stdout.csv" || fail "the file differs"

# The (all) row's opened, resolved and backlog for 2026-11-10 in a time zone.
day_in() {
    TZ=$1 report summary "${day[@]}" --format tsv | awk -F'\t' '$1 == "(all)" { print $3, $4, $6 }'
}
begin "a day in Europe/Stockholm is 2026-11-09 23:00 to 2026-11-10 23:00 UTC"
# 1 (22:00 UTC) opened the day before; 2 and 3 resolved; 1 and 4 active at the end.
expect_eq "$(day_in Europe/Stockholm)" "3 2 2" "opened resolved backlog"
begin "a day in Asia/Jakarta is 2026-11-09 17:00 to 2026-11-10 17:00 UTC"
# 1 opened in it; 3 resolved at 17:00, the first second of the next day: still active.
expect_eq "$(day_in Asia/Jakarta)" "4 1 3" "opened resolved backlog"

begin "--month is the local month: 2026-11 in UTC holds the whole fixture"
report summary --since 2026-11-01 --until 2026-12-01 --format csv >"$T/november"
run report summary --month 2026-11 --format csv
expect_status 0
expect_out "$(cat "$T/november")"
expect_eq "$(tr -d '\r' <"$T/out" | awk -F, '$1 == "(all)" { print $3, $4, $5, $6 }')" "4 2 2 2" \
    "opened resolved closed backlog"
begin "--month in Asia/Jakarta starts at 2026-10-31 17:00 UTC"
run env TZ=Asia/Jakarta "$SVCMGR" report summary --month 2026-10 --format tsv
expect_status 0
expect_eq "$(awk -F'\t' '$1 == "(all)" { print $3 }' "$T/out")" "0" "opened in October"

# ---- bad input --------------------------------------------------------------------------------

expect_usage() {
    local message=$1
    shift
    begin "report $*: exit 2"
    run env SVCMGR_DB="$T/never.db" "$SVCMGR" report "$@"
    expect_status 2
    expect_out ""
    expect_err_contains "svcmgr: error: $message"
    [ -e "$T/never.db" ] && fail "a database was created"
}
expect_usage "--since 2026-11-11 is not before --until 2026-11-10" summary \
    --since 2026-11-11 --until 2026-11-10
expect_usage "--since 2026-11-10 is not before --until 2026-11-10" causes \
    --since 2026-11-10 --until 2026-11-10
expect_usage "unknown report verb 'sumary'" sumary
expect_usage "unknown metric 'breaches' for report sla" sla --fail-on 'breaches>0'
expect_usage "unknown metric 'sla_breaches' for report inventory" inventory \
    --fail-on 'sla_breaches>0'
expect_usage "invalid --fail-on 'sla_breaches'" summary --fail-on sla_breaches
expect_usage "invalid --fail-on 'sla_breaches>'" summary --fail-on 'sla_breaches>'
expect_usage "invalid --fail-on 'csat_avg<4.255'" summary --fail-on 'csat_avg<4.255'
expect_usage "invalid --fail-on 'cost>1e3'" summary --fail-on 'cost>1e3'
expect_usage "invalid --fail-on '>0'" summary --fail-on '>0'
expect_usage "invalid month '2026-13'" summary --month 2026-13
expect_usage "--month cannot be combined with --since or --until" summary --month 2026-11 \
    --since 2026-11-02
expect_usage "invalid time 'soon' for --until" agents --until soon
expect_usage "invalid duration '4 hours' for --within" sla --within '4 hours'

finish
