#!/usr/bin/env bash
# The man pages: lint-clean for mandoc, man and groff, lines under 80 bytes, the sections a reader
# expects, and held to `svcmgr complete tree`: every command, verb, option and fixed option value
# is documented on its page, and nothing that does not exist is.
. "$(dirname "$0")/lib.sh"

MAN="$SVCMGR_SOURCE_DIR/man"
pages=("$MAN"/*.1)

# The roff spelling of an option name: "--busy-timeout" is written "\-\-busy\-timeout".
roff() { printf '%s' "${1//-/\\-}"; }

# The lines of PAGE from the line that is exactly HEADING up to the next .SH or .SS.
section() {
    awk -v heading="$2" '
        $0 == heading { inside = 1; next }
        inside && /^\.S[HS]( |$)/ { exit }
        inside { print }' "$1"
}

for tool in mandoc man groff; do
    begin "$tool is installed"
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh)"
done

for page in "${pages[@]}"; do
    name=$(basename "$page")
    begin "$name passes mandoc -Tlint"
    mandoc -Tlint "$page" >"$T/out" 2>&1 || fail "mandoc: $(cat "$T/out")"
    begin "$name renders without warnings from man and groff"
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>"$T/err" >"$T/out"
    [ -s "$T/err" ] && fail "man: $(cat "$T/err")"
    [ -s "$T/out" ] || fail "man rendered nothing"
    groff -man -ww -z -K utf8 "$page" >"$T/err" 2>&1
    [ -s "$T/err" ] && fail "groff: $(cat "$T/err")"
    begin "$name has lines under 80 bytes"
    long=$(LC_ALL=C awk 'length($0) >= 80 { print FNR ": " $0 }' "$page")
    [ -z "$long" ] || fail "long lines: $long"
    begin "$name has every section a reader expects"
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT FILES '"EXIT STATUS"' \
        EXAMPLES '"SEE ALSO"'; do
        s=${s//\"/}
        grep -qxE "\.SH \"?$s\"?" "$page" || fail "no $s section"
    done
    begin "$name names itself"
    expect_eq "$(sed -n '/^\.SH NAME/{n;s/ .*//;s/\\-/-/g;p}' "$page")" "${name%.1}" "NAME"
done

begin "man -l finds the title line of svcmgr(1)"
run env LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$MAN/svcmgr.1"
grep -q 'svcmgr - service management from the shell' "$T/out" || fail "no NAME line in man -l"

# ---- held to the command tree -------------------------------------------------------------------

tree=$("$SVCMGR" complete tree)
begin "the command tree has entries to check"
[ "$(wc -l <<<"$tree")" -gt 50 ] || fail "only $(wc -l <<<"$tree") entries"

declare -A known_options # page -> the option names valid on it
commands=()
while IFS= read -r line; do
    read -r -a w <<<"$line"
    n=0
    while [ "$n" -lt ${#w[@]} ] && [[ ${w[n]} != -* && ${w[n]} != '<'* ]]; do n=$((n + 1)); done
    path=${w[*]:0:n}
    if [ "$n" -eq ${#w[@]} ]; then
        if [ "$n" -eq 1 ]; then
            commands+=("$path")
            page="$MAN/svcmgr-$path.1"
            begin "command '$path' has its page and is listed in svcmgr(1)"
            [ -f "$page" ] || fail "no man/svcmgr-$path.1"
            section "$MAN/svcmgr.1" ".SH COMMANDS" | grep -qx "\.B $path" ||
                fail "svcmgr.1 COMMANDS does not list $path"
            section "$MAN/svcmgr.1" '.SH SEE ALSO' | grep -qF "$(roff "svcmgr-$path") (1)" ||
                fail "svcmgr.1 SEE ALSO does not name svcmgr-$path(1)"
        else
            begin "verb '$path' has a section in svcmgr-${w[0]}(1)"
            grep -qx "\.SS $path" "$MAN/svcmgr-${w[0]}.1" 2>/dev/null ||
                fail "no '.SS $path' in man/svcmgr-${w[0]}.1"
        fi
        continue
    fi
    item=${w[n]}
    spec=${w[n + 1]:-}
    [[ $item == '<'* ]] && continue
    # Where an option is documented: global ones in svcmgr(1) OPTIONS, a command's own in its
    # page's OPTIONS, a verb's in the verb's section.
    if [ -z "$path" ]; then
        page="$MAN/svcmgr.1" heading=".SH OPTIONS"
        for p in "${pages[@]}"; do known_options[$p]+=" $item"; done
    elif [ "$n" -eq 1 ]; then
        page="$MAN/svcmgr-$path.1" heading=".SH OPTIONS"
    else
        page="$MAN/svcmgr-${w[0]}.1" heading=".SS $path"
    fi
    known_options[$page]+=" $item"
    # svcmgr(1) is the overview: its examples may use any option.
    known_options[$MAN/svcmgr.1]+=" $item"
    begin "option '$path $item' is documented in $(basename "$page")"
    text=$(section "$page" "$heading" 2>/dev/null)
    grep -qF -- "$(roff "$item")" <<<"$text" || fail "'$heading' does not mention $item"
    if [[ $spec == *'|'* ]]; then
        for value in ${spec//|/ }; do
            grep -qw -- "$(roff "$value")" <<<"$text" || fail "value '$value' not documented"
        done
    fi
done <<<"$tree"

for page in "${pages[@]}"; do
    name=$(basename "$page" .1)
    if [ "$name" != svcmgr ]; then
        begin "$name.1 documents a command that exists"
        printf '%s\n' "${commands[@]}" | grep -qx "${name#svcmgr-}" ||
            fail "svcmgr has no command '${name#svcmgr-}'"
    fi
    begin "$name.1 documents only verbs that exist"
    while IFS= read -r heading; do
        grep -qx -- "${heading#.SS }" <<<"$tree" || fail "no command '${heading#.SS }' in the tree"
    done < <(grep '^\.SS ' "$page")
    begin "$name.1 mentions only options that exist"
    while IFS= read -r option; do
        option=${option//\\-/-}
        [[ " ${known_options[$page]:-} " == *" $option "* ]] ||
            fail "$option is not an option of $name"
    done < <(grep -o '\\-\\-[a-z]\([a-z]\|\\-[a-z]\)*' "$page" | sort -u)
done

finish
