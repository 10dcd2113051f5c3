# shellcheck shell=bash
# Shared by the bash, zsh and fish completion suites (sourced after lib.sh): a database with three
# tickets and a second one with one, `svcmgr` on PATH, and the cases each shell must answer, built
# from `svcmgr complete tree`.

mkdir -p bin
ln -s "$SVCMGR" bin/svcmgr
export PATH="$T/bin:$PATH"

svcmgr ticket add "Invoice charged twice" --customer "Åsa Öberg" --email asa@example.se \
    --category billing >/dev/null
svcmgr ticket add "Router dead" --customer "Jüri Tamm" --email juri@example.ee >/dev/null
svcmgr ticket add "Wrong size" --customer "Ana Kovač" >/dev/null
svcmgr --db "$T/other.db" ticket add "Other" --customer "Other" >/dev/null
: >backup-target.db

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

# For shells that answer a batch of lines at once (the caller defines complete_lines, which
# fills $results): checks the tree's cases plus EXTRA ("LINE<TAB>EXPECTED" lines, in SHELL's
# word forms), the --db cases, and that without a database nothing is offered or created.
check_cases() {
    local shell=$1 extra=$2 cases i
    local -a queries expected
    cases=$(tree_cases)
    begin "the command tree has entries to check"
    [ "$(printf '%s\n' "$cases" | wc -l)" -gt 50 ] || fail "only $(wc -l <<<"$cases") cases"
    cases+=$'\n'"$extra"
    cases+=$'\n'"svcmgr --db $T/other.db ticket show "$'\t1'
    cases+=$'\n'"svcmgr ticket close --db=$T/other.db "$'\t1'
    mapfile -t queries < <(printf '%s\n' "$cases" | cut -f1)
    mapfile -t expected < <(printf '%s\n' "$cases" | cut -f2)
    complete_lines "$(printf '%s\n' "${queries[@]}")"
    begin "$shell answered every query"
    expect_eq "${#results[@]}" "${#queries[@]}" "number of answers"
    for i in "${!queries[@]}"; do
        begin "$shell completes '${queries[i]}'"
        expect_eq "${results[i]:-}" "${expected[i]}" "candidates"
    done

    begin "without a database nothing is offered and no database is created"
    SVCMGR_DB="$T/none.db" complete_lines "$(printf '%s\n' 'svcmgr ticket show ' \
        'svcmgr customer show ' 'svcmgr ticket list sta')"
    expect_eq "${#results[@]}:${results[0]:-}|${results[1]:-}|${results[2]:-}" "3:||status:" \
        "candidates"
    [ -e "$T/none.db" ] && fail "completion created a database"
}
