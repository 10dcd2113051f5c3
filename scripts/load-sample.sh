#!/usr/bin/env bash
# Loads a small multilingual sample (customers writing in Swedish, Estonian, Croatian, Indonesian
# and English) into the database svcmgr uses (--db, SVCMGR_DB or the default), through svcmgr's
# own commands so that every change is audited. Loads once: a second run changes nothing.
set -euo pipefail
svcmgr=${SVCMGR:-svcmgr}
export SVCMGR_ACTOR=${SVCMGR_ACTOR:-sample}

if [ -n "$("$svcmgr" ticket list ref:SAMPLE-01 --format tsv --columns id)" ]; then
    echo "sample already loaded" >&2
    exit 0
fi

add() { "$svcmgr" ticket add "$@"; }

t1=$(add "Fakturan dras två gånger" --ref SAMPLE-01 --customer "Åsa Öberg" \
    --email asa.oberg@example.se --category billing --channel phone --priority high \
    --description "Kunden har debiterats två gånger för samma order 100234.")
t2=$(add "Sülearvuti ekraan vilgub" --ref SAMPLE-02 --customer "Jüri Tamm" \
    --email juri.tamm@example.ee --category repair --channel store --priority normal)
t3=$(add "Narudžba nije stigla" --ref SAMPLE-03 --customer "Đurđa Šimić" \
    --email durda.simic@example.hr --category purchasing --channel email)
t4=$(add "Pengembalian dana belum diterima" --ref SAMPLE-04 --customer "Budi Santoso" \
    --email budi.santoso@example.co.id --category returns --channel web --priority urgent)
t5=$(add "Password reset link expired" --ref SAMPLE-05 --customer "Mary O'Neil" \
    --email mary.oneil@example.com --category website --channel web --priority low)
t6=$(add "Printer makes grinding noise" --ref SAMPLE-06 --customer "Kalle Ärlig" \
    --email kalle@example.se --category troubleshooting --channel phone)
t7=$(add "Arve summa on vale" --ref SAMPLE-07 --customer "Jüri Tamm" \
    --email juri.tamm@example.ee --category billing --channel email --priority high)
t8=$(add "Zamjena zaslona pod jamstvom" --ref SAMPLE-08 --customer "Ivan Horvat" \
    --email ivan.horvat@example.hr --category repair --channel store)

"$svcmgr" ticket update "$t1" --assignee lena >/dev/null
"$svcmgr" ticket comment "$t1" --reply -m "Vi har återbetalat den dubbla debiteringen." --minutes 12
"$svcmgr" ticket resolve "$t1" --cause billing-double-charge --preventable
"$svcmgr" ticket close "$t1" --satisfaction 4

"$svcmgr" ticket update "$t2" --assignee marko
"$svcmgr" ticket start "$t2"
"$svcmgr" ticket wait "$t2" --for parts

"$svcmgr" ticket comment "$t3" --reply -m "Pošiljka je krenula danas." --minutes 5
"$svcmgr" ticket wait "$t3" --for customer

"$svcmgr" ticket update "$t4" --assignee lena
"$svcmgr" ticket comment "$t4" --inbound -m "Sudah dua minggu, mohon segera diproses."

"$svcmgr" ticket comment "$t5" --reply -m "A new link is on its way." --minutes 3
"$svcmgr" ticket resolve "$t5" --cause email-delay --not-preventable

"$svcmgr" ticket start "$t6"
"$svcmgr" ticket comment "$t7" -m "Kontrolli hinnakirja" --minutes 4
echo "loaded 8 sample tickets ($t1-$t8)" >&2
