#!/usr/bin/env bash
# The shortest path a newcomer takes: add a ticket, list it, close it.
. "$(dirname "$0")/lib.sh"

begin "ticket add prints only the new id"
run svcmgr ticket add "Invoice charged twice" --customer "Åsa Öberg" --email asa@example.se
expect_status 0
expect_out "1"
expect_err ""

begin "ticket list shows it in tsv"
run svcmgr ticket list --format tsv --columns id,status,customer,title
expect_status 0
expect_out "$(printf '1\tnew\tÅsa Öberg\tInvoice charged twice')"

finish
