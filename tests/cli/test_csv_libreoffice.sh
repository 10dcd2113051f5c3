#!/usr/bin/env bash
# The CSV export in a real spreadsheet: LibreOffice Calc, headless, converts it to xlsx, and
# openpyxl reads every cell back. With the id and SKU columns imported as text (as a user would
# choose), every cell is intact: five languages, multiline cells, quotes, leading-zero SKUs, and
# text starting with = + - @ shown with the guard apostrophe as its only change. Opened the
# default way (what a double-click does), no cell is a live formula.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! command -v soffice >/dev/null || ! $PY -c 'import openpyxl' 2>/dev/null; then
    echo "soffice or python3-openpyxl missing: scripts/install-deps.sh installs them" >&2
    exit 1
fi

svcmgr ticket add "Fakturan dubbeldebiterad: Åsa Öberg" --customer "Åsa Öberg" \
    --description $'rad ett\nrad två, "citat"' >/dev/null
svcmgr ticket add "Arve: õun, ä, ö, ü, š, ž" --customer "Jüri Tamm" >/dev/null
svcmgr ticket add "=HYPERLINK(\"http://example.com\";\"x\")" --customer "Đurđa Šimić" \
    --description "@SUM(1+1)" >/dev/null
svcmgr ticket add --customer "Budi Santoso" --description "＝1+1" -- "+62 pesanan belum tiba" >/dev/null
svcmgr ticket add --customer "Mary O'Neil" --description "'quoted" -- "-1 order lost" >/dev/null
svcmgr inventory add 000123 --name "Näyttö 15\"" >/dev/null
svcmgr inventory add 0042 --name "Kabel, 2 m" >/dev/null

svcmgr ticket export --columns id,title,customer,description >"$T/tickets.csv"
svcmgr inventory export --columns sku,name,on_hand >"$T/parts.csv"

# Converts $1.csv to xlsx; $2 is the fifth filter token (column types: 1/2 = column 1 as text).
convert() {
    local name=$1 types=$2
    rm -rf "$T/out-$name"
    timeout 120 soffice -env:UserInstallation="file://$T/lo-profile" --headless \
        --infilter="Text - txt - csv (StarCalc):44,34,76,1,$types,1033,true,false" \
        --convert-to xlsx --outdir "$T/out-$name" "$T/$name.csv" >"$T/soffice.log" 2>&1
    [ -s "$T/out-$name/$name.xlsx" ] || fail "soffice made no xlsx: $(cat "$T/soffice.log")"
}

begin "with id and SKU as text, LibreOffice keeps every cell of the ticket export"
convert tickets 1/2
svcmgr ticket export --format json --columns id,title,customer,description >"$T/tickets.json"
$PY - "$T/out-tickets/tickets.xlsx" "$T/tickets.json" <<'PYEOF' >"$T/py.out" 2>&1 ||
import json, sys, openpyxl
GUARD = ("=", "+", "-", "@", "\t", "\r", "\n", "'", "＝", "＋", "－", "＠")
sheet = openpyxl.load_workbook(sys.argv[1]).active
rows = [[c.value for c in r] for r in sheet.iter_rows()]
expected = json.load(open(sys.argv[2], encoding="utf-8"))
assert rows[0] == ["id", "title", "customer", "description"], rows[0]
assert len(rows) == len(expected) + 1, (len(rows), len(expected))
for got, want in zip(rows[1:], expected):
    for key, cell in zip(["id", "title", "customer", "description"], got):
        value = want[key]
        value = "" if value is None else str(value)
        if key != "id" and value.startswith(GUARD):
            value = "'" + value   # the guard shows, as a user sees it
        cell = "" if cell is None else str(cell)
        assert cell == value, (key, cell, value)
PYEOF
    fail "cells differ: $(cat "$T/py.out")"

begin "with SKU as text, leading zeros and quotes survive in the part export"
convert parts 1/2
$PY - "$T/out-parts/parts.xlsx" <<'PYEOF' >"$T/py.out" 2>&1 || fail "cells differ: $(cat "$T/py.out")"
import sys, openpyxl
rows = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1]).active.iter_rows()]
assert rows[1][:2] == ["000123", 'Näyttö 15"'], rows[1]
assert rows[2][:2] == ["0042", "Kabel, 2 m"], rows[2]
PYEOF

begin "opened the default way, no cell of the export is a live formula"
convert tickets ""
$PY - "$T/out-tickets/tickets.xlsx" <<'PYEOF' >"$T/py.out" 2>&1 || fail "$(cat "$T/py.out")"
import sys, openpyxl
sheet = openpyxl.load_workbook(sys.argv[1]).active
formulas = [c.coordinate for r in sheet.iter_rows() for c in r
            if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))]
assert not formulas, formulas
PYEOF

finish
