#!/usr/bin/env bash
# zsh completion, driven in a real interactive zsh through the zsh/zpty module (completion only
# runs inside ZLE), and held to `svcmgr complete tree`: every command, verb, option and option
# value the binary accepts must complete, and nothing else.
. "$(dirname "$0")/lib.sh"

COMPLETIONS="$SVCMGR_SOURCE_DIR/completions"
mkdir -p bin
ln -s "$SVCMGR" bin/svcmgr
export PATH="$T/bin:$PATH"

svcmgr ticket add "Invoice charged twice" --customer "Åsa Öberg" --email asa@example.se \
    --category billing >/dev/null
svcmgr ticket add "Router dead" --customer "Jüri Tamm" --email juri@example.ee >/dev/null
svcmgr ticket add "Wrong size" --customer "Ana Kovač" >/dev/null
svcmgr --db "$T/other.db" ticket add "Other" --customer "Other" >/dev/null
: >backup-target.db

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

sorted() { printf '%s\n' "$@" | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# Prints "LINE<TAB>EXPECTED" for every entry of `svcmgr complete tree`: the commands and verbs
# under each command, every option of each command (its own and the global ones), and the values
# of every option and positional argument.
tree_cases() {
    local tree line path parent item spec prefix key n j dummies
    local -a w paths=("")
    local -A subs opts count
    tree=$("$SVCMGR" complete tree) || return 1
    emit() {
        case $2 in
            FILE | @files) printf '%s\t%s\n' "$1backup-t" "backup-target.db" ;;
            @*) printf '%s\t%s\n' "$1" "$(sorted $("$SVCMGR" complete "${2#@}" -- ''))" ;;
            *'|'*) printf '%s\t%s\n' "$1" "$(sorted ${2//|/ })" ;;
            *) printf '%s\t\n' "$1" ;;
        esac
    }
    while IFS= read -r line; do
        read -r -a w <<<"$line"
        n=0
        while [ "$n" -lt ${#w[@]} ] && [[ ${w[n]} != -* && ${w[n]} != '<'* ]]; do
            n=$((n + 1))
        done
        path=${w[*]:0:n}
        key=${path:-.}
        if [ "$n" -eq ${#w[@]} ]; then
            parent=${w[*]:0:n-1}
            subs[${parent:-.}]+=" ${w[n - 1]}"
            paths+=("$path")
            continue
        fi
        item=${w[n]}
        spec=${w[n + 1]:-}
        prefix="svcmgr${path:+ $path} "
        if [[ $item == '<'* ]]; then
            count[$key]=$((${count[$key]:-0} + 1))
            dummies=''
            for ((j = 1; j < count[$key]; j++)); do dummies+='x '; done
            emit "$prefix$dummies" "$spec"
        else
            opts[$key]+=" $item"
            [ -n "$spec" ] && emit "$prefix$item " "$spec"
        fi
    done <<<"$tree"
    for path in "${paths[@]}"; do
        key=${path:-.}
        prefix="svcmgr${path:+ $path} "
        [ -n "${subs[$key]:-}" ] && printf '%s\t%s\n' "$prefix" "$(sorted ${subs[$key]})"
        # shellcheck disable=SC2086
        printf '%s\t%s\n' "$prefix-" "$(sorted ${opts[$key]:-} ${opts[.]})"
    done
}

begin "the completion file is valid zsh"
zsh -n "$COMPLETIONS/_svcmgr" 2>"$T/err" || fail "zsh -n: $(cat "$T/err")"
head -1 "$COMPLETIONS/_svcmgr" | grep -qx '#compdef svcmgr' || fail "no #compdef svcmgr line"

# Cases from the command tree, then cases for word forms, global options and databases.
cases=$(tree_cases)
begin "the command tree has entries to check"
[ "$(printf '%s\n' "$cases" | wc -l)" -gt 50 ] || fail "only $(wc -l <<<"$cases") cases"
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
svcmgr config get sla.high.	sla.high.first_response sla.high.resolution
svcmgr config set currency 	
CASES
)
extra+=$'\n'"svcmgr --db $T/other.db ticket show "$'\t1'
extra+=$'\n'"svcmgr ticket close --db=$T/other.db "$'\t1'
cases+=$'\n'"$extra"

mapfile -t queries < <(printf '%s\n' "$cases" | cut -f1)
mapfile -t expected < <(printf '%s\n' "$cases" | cut -f2)
complete_lines "$(printf '%s\n' "${queries[@]}")"
begin "zsh answered every query"
expect_eq "${#results[@]}" "${#queries[@]}" "number of answers"
for i in "${!queries[@]}"; do
    begin "zsh completes '${queries[i]}'"
    expect_eq "${results[i]:-}" "${expected[i]}" "candidates"
done

begin "without a database nothing is offered and no database is created"
SVCMGR_DB="$T/none.db" complete_lines "$(printf '%s\n' 'svcmgr ticket show ' \
    'svcmgr customer show ' 'svcmgr ticket list sta')"
expect_eq "${#results[@]}:${results[0]:-}|${results[1]:-}|${results[2]:-}" "3:||status:" \
    "candidates"
[ -e "$T/none.db" ] && fail "completion created a database"

finish
