#!/usr/bin/env bash
# svcmgr config get|set|list|unset: settings kept with the data, validated per key.
. "$(dirname "$0")/lib.sh"

audit_rows() { sql 'SELECT count(*) FROM audit'; }

begin "config get prints a default"
run svcmgr config get sla.high.resolution
expect_status 0
expect_out "1d"
expect_err ""

begin "config list shows every key with its default, in order"
run svcmgr config list --format tsv
expect_status 0
expect_out "$(printf '%s\n' \
    $'currency\tEUR\tEUR\tdefault' \
    $'hourly_cost\t0.00\t0.00\tdefault' \
    $'sla.urgent.first_response\t1h\t1h\tdefault' \
    $'sla.urgent.resolution\t4h\t4h\tdefault' \
    $'sla.high.first_response\t4h\t4h\tdefault' \
    $'sla.high.resolution\t1d\t1d\tdefault' \
    $'sla.normal.first_response\t8h\t8h\tdefault' \
    $'sla.normal.resolution\t3d\t3d\tdefault' \
    $'sla.low.first_response\t24h\t24h\tdefault' \
    $'sla.low.resolution\t7d\t7d\tdefault' \
    $'sla.calendar\tnone\tnone\tdefault' \
    $'sla.urgent.calendar\tnone\tnone\tdefault' \
    $'sla.high.calendar\tnone\tnone\tdefault' \
    $'sla.normal.calendar\tnone\tnone\tdefault' \
    $'sla.low.calendar\tnone\tnone\tdefault' \
    $'categories\tpurchasing,billing,troubleshooting,returns,repair,website,other\tpurchasing,billing,troubleshooting,returns,repair,website,other\tdefault' \
    $'channels\tphone,email,store,web,other\tphone,email,store,web,other\tdefault' \
    $'repeat_window\t30d\t30d\tdefault' \
    $'holding_rate\t25%\t25%\tdefault' \
    $'order_cost\t25.00\t25.00\tdefault' \
    $'service_level\t95%\t95%\tdefault')"

begin "config list in csv has the documented header"
run svcmgr config list --format csv
expect_status 0
expect_eq "$(head -1 "$T/out")" $'key,value,default,source\r' "header"
expect_eq "$(sed -n 3p "$T/out")" $'hourly_cost,0.00,0.00,default\r' "row"

begin "config set stores the value, prints nothing and writes one audit row"
run svcmgr config set sla.high.resolution 8h --actor "Åsa"
expect_status 0
expect_out ""
expect_err ""
expect_eq "$(sql "SELECT value FROM setting WHERE key = 'sla.high.resolution'")" "8h" "stored"
expect_eq "$(audit_rows)" "1" "audit rows"
expect_eq "$(sql 'SELECT actor, action, entity, entity_id, change FROM audit')" \
    'Åsa|set|setting|sla.high.resolution|{"after":{"key":"sla.high.resolution","value":"8h"},"before":null}' \
    "audit row"

begin "config get and list show the new value"
run svcmgr config get sla.high.resolution
expect_out "8h"
run svcmgr config list --format tsv
grep -qxF $'sla.high.resolution\t8h\t1d\tset' "$T/out" || fail "list row: $(grep resolution "$T/out")"

begin "changing a value records what it was before"
run svcmgr config set sla.high.resolution 12h
expect_status 0
expect_eq "$(audit_rows)" "2" "audit rows"
expect_eq "$(sql 'SELECT change FROM audit WHERE seq = 2')" \
    '{"after":{"key":"sla.high.resolution","value":"12h"},"before":{"key":"sla.high.resolution","value":"8h"}}'

begin "setting the same value again writes no audit row"
run svcmgr config set sla.high.resolution 12h
expect_status 0
expect_eq "$(audit_rows)" "2" "audit rows"

begin "money is normalised to two decimals"
run svcmgr config set hourly_cost 42.5
expect_status 0
run svcmgr config get hourly_cost
expect_out "42.50"

begin "percent is normalised with its sign"
run svcmgr config set holding_rate 30
expect_status 0
run svcmgr config get holding_rate
expect_out "30%"
run svcmgr config set holding_rate 12.5%
expect_status 0
run svcmgr config get holding_rate
expect_out "12.5%"

begin "lists of words are accepted"
run svcmgr config set categories billing,repair,other
expect_status 0
run svcmgr config get categories
expect_out "billing,repair,other"

begin "global options work around config verbs"
run svcmgr --format tsv config list
expect_status 0
run svcmgr config get currency --db "$DB"
expect_out "EUR"

# Invalid keys and values: exit 2 naming them, nothing written.
rows_before=$(audit_rows)
settings_before=$(sql "SELECT key || '=' || value FROM setting ORDER BY key")
refused() {
    begin "config set $1 '$2' is refused"
    run svcmgr config set "$1" "$2"
    expect_status 2
    expect_out ""
    expect_err "svcmgr: error: invalid value '$2' for $1: expected $3"
    expect_eq "$(audit_rows)" "$rows_before" "audit rows"
    expect_eq "$(sql "SELECT key || '=' || value FROM setting ORDER BY key")" "$settings_before" \
        "settings"
}
money="an amount such as 12.50"
duration="a duration of whole seconds, at least 1s, such as 90m, 4h or 2d"
target="$duration, or business days such as 3bd"
calendar="a calendar name, or none for 24x7"
percent="a percentage from 0 to 100 such as 25%"
level="a percentage above 0 and below 100 such as 95%"
words="a comma-separated list of distinct lowercase words such as phone,email"
refused hourly_cost 1e3 "$money"
refused hourly_cost "12,5" "$money"
refused hourly_cost -1 "$money"
refused hourly_cost "" "$money"
refused order_cost 12.505 "$money"
refused order_cost abc "$money"
refused sla.high.resolution 8 "$target"
refused sla.high.resolution 0h "$target"
refused sla.high.resolution 500ms "$target"
refused sla.high.resolution -4h "$target"
refused sla.low.first_response "4 h" "$target"
refused sla.low.first_response 0bd "$target"
refused sla.low.first_response 1.5bd "$target"
refused sla.calendar Office "$calendar"
refused sla.urgent.calendar "" "$calendar"
refused repeat_window 30days "$duration"
refused holding_rate 101% "$percent"
refused holding_rate -5% "$percent"
refused holding_rate 12.55% "$percent"
refused holding_rate "25 %" "$percent"
refused service_level 100% "$level"
refused service_level 0% "$level"
refused service_level abc "$level"
refused categories "billing,,repair" "$words"
refused categories "Billing" "$words"
refused categories "billing,billing" "$words"
refused categories "billing, repair" "$words"
refused channels "" "$words"
refused currency usd "a three-letter currency code such as EUR"
refused currency EURO "a three-letter currency code such as EUR"

begin "an unknown key is refused by set, get and unset"
for verb in "set nosuch 1" "get nosuch" "unset nosuch"; do
    # shellcheck disable=SC2086
    run svcmgr config $verb
    expect_status 2
    expect_err "svcmgr: error: unknown setting nosuch
hint: svcmgr config list shows every setting"
done
expect_eq "$(audit_rows)" "$rows_before" "audit rows"

begin "a key differing only in case is unknown"
run svcmgr config set Currency SEK
expect_status 2
expect_err_contains "unknown setting Currency"

begin "config set with a missing value exits 2"
run svcmgr config set currency
expect_status 2
expect_eq "$(audit_rows)" "$rows_before" "audit rows"

begin "a value that begins with a dash is refused, not taken for an option"
run svcmgr config set hourly_cost -- -5
expect_status 2
expect_err_contains "invalid value '-5' for hourly_cost"

# unset
begin "config unset restores the default and writes one audit row"
run svcmgr config unset hourly_cost
expect_status 0
expect_out ""
run svcmgr config get hourly_cost
expect_out "0.00"
expect_eq "$(audit_rows)" "$((rows_before + 1))" "audit rows"
expect_eq "$(sql 'SELECT action, change FROM audit ORDER BY seq DESC LIMIT 1')" \
    'unset|{"after":null,"before":{"key":"hourly_cost","value":"42.50"}}'
expect_eq "$(sql "SELECT count(*) FROM setting WHERE key = 'hourly_cost'")" "0" "stored rows"

begin "unsetting a key that is not set succeeds and writes nothing"
run svcmgr config unset hourly_cost
expect_status 0
expect_eq "$(audit_rows)" "$((rows_before + 1))" "audit rows"

begin "settings are read by the commands that use them"
run svcmgr config set channels phone,chat
expect_status 0
run svcmgr ticket add "Chat request" --customer "Jüri" --channel chat
expect_status 0
run svcmgr ticket add "Fax" --customer "Jüri" --channel email
expect_status 2
expect_err_contains "email"

finish
