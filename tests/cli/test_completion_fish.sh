#!/usr/bin/env bash
# fish completion, asked through `complete -C` in a real fish, and held to `svcmgr complete tree`:
# every command, verb, option and option value the binary accepts must complete, and nothing else.
. "$(dirname "$0")/lib.sh"
. "$SVCMGR_SOURCE_DIR/tests/cli/completion_lib.sh"

COMPLETION="$SVCMGR_SOURCE_DIR/completions/svcmgr.fish"

# Completes every line of $1 in one fish; the candidates of each (without their descriptions),
# sorted and space-separated, one line per query, in $results.
complete_lines() {
    printf '%s\n' "$1" >queries
    mapfile -t results < <(timeout 300 fish --no-config -c "source '$COMPLETION'
        while read -l query
            echo (complete -C \$query | cut -f1 | sort -u | string join ' ')
        end <queries")
}

begin "the completion file is valid fish"
fish --no-config -n "$COMPLETION" 2>"$T/err" || fail "fish -n: $(cat "$T/err")"

# Cases from the command tree, then cases for word forms, global options and databases. fish
# completes the whole token, so "--format=j" offers "--format=json".
extra=$(cat <<'CASES'
svcmgr --format=j	--format=json --format=jsonl
svcmgr ticket list status:wa	status:waiting_customer status:waiting_parts
svcmgr ticket list priority.min:h	priority.min:high
svcmgr ticket list category:bi	category:billing
svcmgr ticket list customer:j	customer:juri@example.ee
svcmgr ticket list st	status:
svcmgr ticket list --format 	csv json jsonl table tsv
svcmgr --format json tic	ticket
svcmgr -q --color never ticket sh	show
svcmgr ticket list --columns id,ti	id,title
svcmgr ticket list --sort=-c	--sort=-created --sort=-customer
svcmgr ticket show 1 	1 2 3
svcmgr ticket add --email a	asa@example.se
svcmgr config get sla.high.	sla.high.calendar sla.high.first_response sla.high.resolution
svcmgr config set currency 	
CASES
)
check_cases fish "$extra"

finish
