#!/usr/bin/env bash
# bash completion, driven through the COMP_* variables as bash sets them, and held to
# `svcmgr complete tree`: every command, verb, option and option value the binary accepts must
# complete, and nothing else.
. "$(dirname "$0")/lib.sh"
. "$SVCMGR_SOURCE_DIR/tests/cli/completion_lib.sh"

COMPLETION="$SVCMGR_SOURCE_DIR/completions/svcmgr.bash"

# shellcheck source=../../completions/svcmgr.bash
. "$COMPLETION"

# Sets COMP_* for LINE (cursor at the end) as bash does, runs the completion function and prints
# COMPREPLY sorted, space-separated. bash makes ':' and '=' words of their own.
complete_line() {
    local line=$1 word function
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMP_WORDS=()
    for word in $line; do
        while [[ $word =~ ^([^:=]*)([:=]+)(.*)$ ]]; do
            [ -n "${BASH_REMATCH[1]}" ] && COMP_WORDS+=("${BASH_REMATCH[1]}")
            COMP_WORDS+=("${BASH_REMATCH[2]}")
            word=${BASH_REMATCH[3]}
        done
        [ -n "$word" ] && COMP_WORDS+=("$word")
    done
    [[ $line == *' ' ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    function=$(complete -p svcmgr | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
    "$function"
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

expect_completion() {
    begin "bash completes '$1'"
    expect_eq "$(complete_line "$1")" "$2" "candidates"
}

begin "the completion file passes shellcheck and registers a function for svcmgr"
if command -v shellcheck >/dev/null; then
    shellcheck -s bash "$COMPLETION" >"$T/err" 2>&1 || fail "shellcheck: $(cat "$T/err")"
fi
complete -p svcmgr >/dev/null 2>&1 || fail "no completion registered for svcmgr"

cases=$(tree_cases)
begin "the command tree has entries to check"
[ "$(printf '%s\n' "$cases" | wc -l)" -gt 50 ] || fail "only $(wc -l <<<"$cases") cases"
while IFS=$'\t' read -r query expected; do
    expect_completion "$query" "$expected"
done <<<"$cases"

# Words bash splits at its word breaks: only the text after '=' or ':' is replaced.
expect_completion "svcmgr --format=j" "json jsonl"
expect_completion "svcmgr ticket list --format=" "csv json jsonl table tsv"
expect_completion "svcmgr ticket list status:wa" "waiting_customer waiting_parts"
expect_completion "svcmgr ticket list status:" \
    "active closed in_progress new open resolved waiting_customer waiting_parts"
expect_completion "svcmgr ticket list priority.min:h" "high"
expect_completion "svcmgr ticket list category:bi" "billing"
expect_completion "svcmgr ticket list customer:j" "juri@example.ee"
expect_completion "svcmgr ticket list st" "status:"
# Values of global options given after the verb, and commands after global options.
expect_completion "svcmgr ticket list --format " "csv json jsonl table tsv"
expect_completion "svcmgr --format json tic" "ticket"
expect_completion "svcmgr -q --color never ticket sh" "show"
expect_completion "svcmgr ticket list --columns id,ti" "id,title"
expect_completion "svcmgr ticket list --sort -c" "-created -customer"
expect_completion "svcmgr ticket show 1 " "1 2 3"
expect_completion "svcmgr ticket add --email a" "asa@example.se"
expect_completion "svcmgr config get sla.high." "sla.high.calendar sla.high.first_response sla.high.resolution"
expect_completion "svcmgr config set currency " ""

begin "ids come from the database named by --db on the command line"
expect_eq "$(complete_line "svcmgr --db $T/other.db ticket show ")" "1" "candidates"
expect_eq "$(complete_line "svcmgr ticket close --db=$T/other.db ")" "1" "candidates"

begin "without a database nothing is offered and no database is created"
expect_eq "$(SVCMGR_DB="$T/none/svcmgr.db" complete_line "svcmgr ticket show ")" "" "ids"
expect_eq "$(SVCMGR_DB="$T/none.db" complete_line "svcmgr customer show ")" "" "customers"
expect_eq "$(SVCMGR_DB="$T/none.db" complete_line "svcmgr ticket add --category ")" "" \
    "categories"
[ -e "$T/none.db" ] || [ -e "$T/none" ] && fail "completion created a database"
expect_eq "$(SVCMGR_DB="$T/none.db" complete_line "svcmgr ticket list sta")" "status:" "keys"

begin "without HOME, completion stays quiet"
expect_eq "$(env -u HOME -u SVCMGR_DB bash -c ". '$COMPLETION'; $(declare -f complete_line);
    complete_line 'svcmgr ticket show '" 2>&1)" "" "output"

# A real readline: the line after TAB and then the letter X (capture-pane drops trailing spaces).
tab_result() {
    local socket="svcmgr-test-$BASHPID" line i
    tmux -L "$socket" new-session -d -x 200 -y 20 \
        "env PATH='$PATH' HOME='$HOME' SVCMGR_DB='$SVCMGR_DB' PS1='$ ' bash --norc --noprofile"
    # Type only once bash reads the terminal itself, or the tty echoes the keys twice.
    for i in $(seq 150); do
        tmux -L "$socket" capture-pane -p | grep -q '^\$ *$' && break
        sleep 0.1
    done
    tmux -L "$socket" send-keys ". '$COMPLETION'; clear" Enter
    for i in $(seq 150); do
        [ "$(tmux -L "$socket" capture-pane -p | sed '/^$/d')" = '$' ] && break
        sleep 0.1
    done
    tmux -L "$socket" send-keys "$1" Tab X
    for i in $(seq 150); do
        sleep 0.1
        line=$(tmux -L "$socket" capture-pane -p | grep '^\$ svcmgr' | tail -1)
        [[ $line == *X ]] && break
    done
    [[ $line == *X ]] || tmux -L "$socket" capture-pane -p >"$T/pane.$BASHPID"
    tmux -L "$socket" kill-server 2>/dev/null
    printf '%s' "${line#\$ }"
}
if command -v tmux >/dev/null; then
    begin "readline inserts the value after '='"
    expect_eq "$(tab_result "svcmgr --format=cs")" "svcmgr --format=csv X" "line"
    begin "readline keeps the filter key before ':'"
    expect_eq "$(tab_result "svcmgr ticket list status:waiting_c")" \
        "svcmgr ticket list status:waiting_customer X" "line"
    begin "readline leaves no space after a filter key"
    expect_eq "$(tab_result "svcmgr ticket list preve")" "svcmgr ticket list preventable:X" "line"
fi

finish
