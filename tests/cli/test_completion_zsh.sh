#!/usr/bin/env bash
# zsh completion, driven in a real interactive zsh through the zsh/zpty module (completion only
# runs inside ZLE), and held to `svcmgr complete tree`: every command, verb, option and option
# value the binary accepts must complete, and nothing else.
. "$(dirname "$0")/lib.sh"
. "$SVCMGR_SOURCE_DIR/tests/cli/completion_lib.sh"

COMPLETIONS="$SVCMGR_SOURCE_DIR/completions"

# Types each line of standard input into an interactive zsh, presses TAB and prints what
# completion offered (compadd is wrapped to print its matches): one line per query, sorted.
cat >harness.zsh <<'ZSH'
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "PS1='> '; RPROMPT=''; unsetopt prompt_cr prompt_sp"
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() {
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
    local -a hits; builtin compadd -A hits "$@"
    local h; for h in $hits; do print -r -- "<C>$h</C>"; done
    (( $#hits ))
}'
zpty -w z '_test_tab() { zle complete-word; print -r -- "<E""ND>"; zle kill-whole-line }'
zpty -w z 'zle -N _test_tab; bindkey "^I" _test_tab'
zpty -w z "print RE''ADY"
zpty -r -m z out '*READY*' || exit 1
while IFS= read -r query; do
    zpty -w -n z "$query"$'\t'
    zpty -r -m z out '*<END>*' || exit 1
    print -r -- "$out" | grep -o '<C>[^<]*</C>' | sed 's/^<C>//; s/<\/C>$//' | sort -u |
        tr '\n' ' ' | sed 's/ $//'
    print
done
zpty -d z
ZSH

# Completes every line of $1 in one zsh session; the results, one line per query, in $results.
complete_lines() {
    mapfile -t results < <(printf '%s\n' "$1" | timeout 300 zsh -f harness.zsh "$COMPLETIONS")
}

begin "the completion file is valid zsh"
zsh -n "$COMPLETIONS/_svcmgr" 2>"$T/err" || fail "zsh -n: $(cat "$T/err")"
head -1 "$COMPLETIONS/_svcmgr" | grep -qx '#compdef svcmgr' || fail "no #compdef svcmgr line"

# Cases from the command tree, then cases for word forms, global options and databases.
extra=$(cat <<'CASES'
svcmgr --format=j	json jsonl
svcmgr ticket list --format=	csv json jsonl table tsv
svcmgr ticket list status:wa	status:waiting_customer status:waiting_parts
svcmgr ticket list priority.min:h	priority.min:high
svcmgr ticket list category:bi	category:billing
svcmgr ticket list customer:j	customer:juri@example.ee
svcmgr ticket list st	status:
svcmgr ticket list --format 	csv json jsonl table tsv
svcmgr --format json tic	ticket
svcmgr -q --color never ticket sh	show
svcmgr ticket list --columns id,ti	id,title
svcmgr ticket show 1 	1 2 3
svcmgr ticket add --email a	asa@example.se
svcmgr config get sla.high.	sla.high.calendar sla.high.first_response sla.high.resolution
svcmgr config set currency 	
CASES
)
check_cases zsh "$extra"

finish
