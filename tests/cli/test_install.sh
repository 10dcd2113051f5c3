#!/usr/bin/env bash
# `cmake --install` into a temporary prefix puts the binary, the man pages and the completions
# where Debian looks for them, and each works from there.
. "$(dirname "$0")/lib.sh"

BUILD=$(dirname "$SVCMGR")
P="$T/prefix"

begin "cmake --install into a temporary prefix succeeds"
run cmake --install "$BUILD" --prefix "$P"
expect_status 0

begin "it installs exactly the binary, the man pages and three completion files"
expected=$(cd "$SVCMGR_SOURCE_DIR" && {
    echo bin/svcmgr
    for page in man/*.1; do echo "share/man/man1/${page#man/}"; done
    echo share/bash-completion/completions/svcmgr
    echo share/zsh/vendor-completions/_svcmgr
    echo share/fish/vendor_completions.d/svcmgr.fish
} | sort)
expect_eq "$(cd "$P" && find . -type f | sed 's|^\./||' | sort)" "$expected" "installed files"
[ -x "$P/bin/svcmgr" ] || fail "bin/svcmgr is not executable"

begin "the installed binary runs"
run "$P/bin/svcmgr" --version
expect_status 0
expect_out "$("$SVCMGR" --version)"

begin "the installed binary records and lists a ticket"
run "$P/bin/svcmgr" --db "$T/installed.db" ticket add "Router dead" --customer "Jüri Tamm"
expect_status 0
expect_out "1"
run "$P/bin/svcmgr" --db "$T/installed.db" ticket list --format tsv --columns id,customer
expect_out "$(printf '1\tJüri Tamm')"

begin "man finds every installed page by name through MANPATH"
for page in "$SVCMGR_SOURCE_DIR"/man/*.1; do
    name=$(basename "$page" .1)
    expect_eq "$(MANPATH="$P/share/man" man -w "$name" 2>&1)" "$P/share/man/man1/$name.1" \
        "man -w $name"
done

begin "man -l renders the installed pages"
for page in "$P"/share/man/man1/*.1; do
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" >"$T/out" 2>"$T/err" || fail "man -l $page"
    grep -q "^NAME" "$T/out" || fail "no NAME in $(basename "$page")"
done

begin "the bash completion sourced from the prefix completes with the installed binary"
run env PATH="$P/bin:/usr/bin:/bin" bash --norc --noprofile -c "
    . '$P/share/bash-completion/completions/svcmgr'
    COMP_WORDS=(svcmgr ticket re); COMP_CWORD=2; COMP_LINE='svcmgr ticket re'
    COMP_POINT=\${#COMP_LINE}
    _svcmgr
    printf '%s\n' \"\${COMPREPLY[@]}\""
expect_status 0
expect_out "$(printf 'resolve\nreopen')"

if [ -f /usr/share/bash-completion/bash_completion ]; then
    begin "bash-completion loads the file on demand from XDG_DATA_DIRS"
    run env PATH="$P/bin:/usr/bin:/bin" XDG_DATA_DIRS="$P/share:/usr/share" \
        bash --norc --noprofile -c "
        . /usr/share/bash-completion/bash_completion
        __load_completion svcmgr
        complete -p svcmgr"
    expect_status 0
    expect_out "complete -F _svcmgr svcmgr"
fi

begin "zsh's compinit finds _svcmgr in the installed vendor-completions"
run env PATH="$P/bin:/usr/bin:/bin" zsh -f -c "
    fpath=('$P/share/zsh/vendor-completions' \$fpath)
    autoload -Uz compinit; compinit -u -D
    print -r -- \$_comps[svcmgr]"
expect_out "_svcmgr"

begin "fish loads the installed completion by name and completes"
run env PATH="$P/bin:/usr/bin:/bin" fish --no-config -c "
    set -p fish_complete_path '$P/share/fish/vendor_completions.d'
    complete -C 'svcmgr ticket re' | cut -f1"
expect_out "$(printf 'reopen\nresolve')"

finish
