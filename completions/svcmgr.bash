# bash completion for svcmgr                                 -*- shell-script -*-
#
# Commands, verbs, options and fixed values are listed here; tests/cli/test_completion_bash.sh
# holds them to `svcmgr complete tree`. Values that live in the database (ticket ids, customer
# emails, categories) come from `svcmgr complete KIND`, which prints nothing when there is no
# database and never creates one.

# The verbs (or commands) under a command path.
_svcmgr_subcommands() {
    case $1 in
        '') echo 'ticket customer inventory calendar report config audit db' ;;
        ticket)
            echo 'add list show update comment start wait resolve close reopen need export' \
                'import events'
            ;;
        'ticket events' | 'inventory moves') echo 'export import' ;;
        inventory)
            echo 'add update show list history receive consume return adjust order orders' \
                'reorder value export import moves'
            ;;
        report) echo 'list summary backlog sla causes customers agents inventory' ;;
        customer) echo 'list show export import' ;;
        calendar) echo 'add list show hours holiday export remove' ;;
        'calendar holiday') echo 'add remove list import' ;;
        config) echo 'list get set unset export import' ;;
        audit) echo 'log head verify' ;;
        db) echo 'check backup copy' ;;
    esac
}

# The options of a command path; the global options are valid everywhere.
_svcmgr_options() {
    case $1 in
        '') echo '--db --actor --format --color --colour --busy-timeout -q --quiet -h --help
                  --version' ;;
        'ticket add') echo '--customer --email --ref --category --channel --priority
                            --assignee --description' ;;
        'ticket list') echo '--sort --limit --columns' ;;
        'ticket update') echo '--title --priority --category --assignee' ;;
        'ticket comment') echo '-m --message --reply --inbound --minutes' ;;
        'ticket wait') echo '--for' ;;
        'ticket resolve') echo '--cause --preventable --not-preventable' ;;
        'ticket close') echo '--satisfaction --no-response' ;;
        'inventory add' | 'inventory update') echo '--name --location --supplier --unit-cost
                            --reorder-point --order-rule --reorder-qty --max --min-order --pack
                            --lead-time --holding-rate' ;;
        'inventory history') echo '--since' ;;
        'inventory receive') echo '--unit-cost --note --release' ;;
        'inventory consume' | 'inventory return') echo '--ticket' ;;
        'inventory adjust') echo '--to --reason' ;;
        'inventory order') echo '--supplier --expected' ;;
        'inventory reorder' | 'inventory value') echo '--window --service-level' ;;
        'report summary' | 'report causes' | 'report customers' | 'report agents' | \
            'report inventory') echo '--since --until --month --output --fail-on' ;;
        'report backlog') echo '--detail --output --fail-on' ;;
        'report sla') echo '--within --output --fail-on' ;;
        'calendar export' | 'calendar holiday import') ;;
        *export) echo '--columns --bom --delimiter' ;;
        'ticket events import' | 'inventory moves import') echo '--dry-run --delimiter' ;;
        *import) echo '--dry-run --update --delimiter' ;;
        'calendar add') echo '--tz --hours' ;;
        'calendar show') echo '--from --days' ;;
        'calendar hours') echo '--hours --from' ;;
        'calendar holiday add') echo '--yearly --name' ;;
        'audit log') echo '--entity --actor --action --since' ;;
        'audit verify') echo '--expect-head' ;;
        'db copy') echo '--to' ;;
    esac
}

# Options that take no value.
_svcmgr_flags=' -q --quiet -h --help --version --reply --inbound --preventable --not-preventable
 --no-response --release --detail --bom --dry-run --update '

# What the value of an option of a command path is: fixed words, @KIND for `svcmgr complete
# KIND`, @files, or nothing (free text). A report offers its own metrics to --fail-on, an export
# its own columns to --columns.
_svcmgr_option_values() {
    case $2 in
        --format) echo 'table csv tsv json jsonl' ;;
        --color | --colour) echo 'auto always never' ;;
        --priority) echo 'low normal high urgent' ;;
        --category) echo '@categories' ;;
        --channel) echo '@channels' ;;
        --email) echo '@customers' ;;
        --sort) echo '@sort' ;;
        --columns)
            case $1 in
                *' export') local path=${1% export} && echo "@columns.${path// /-}" ;;
                *) echo '@columns' ;;
            esac
            ;;
        --for) echo 'customer parts' ;;
        --satisfaction) echo '1 2 3 4 5' ;;
        --order-rule) echo 'fixed up-to-max eoq' ;;
        --ticket) echo '@ids' ;;
        --db | --output) echo '@files' ;;
        --to) if [ "$1" = 'db copy' ]; then echo '@files'; fi ;;
        --fail-on) echo "@metrics.${1#report }" ;;
    esac
}

# What the Nth (from 1) positional argument of a command path is.
_svcmgr_positional_values() {
    case $1 in
        'ticket list') echo '@filters' ;;
        'ticket show' | 'ticket update' | 'ticket comment' | 'ticket start' | 'ticket wait' | \
            'ticket resolve' | 'ticket close' | 'ticket reopen') echo '@ids' ;;
        'customer show') echo '@customers' ;;
        'calendar holiday import')
            case $2 in
                1) echo '@calendars' ;;
                2) echo '@files' ;;
            esac
            ;;
        'calendar show' | 'calendar hours' | 'calendar export' | 'calendar remove' | \
            'calendar holiday '*)
            [ "$2" -eq 1 ] && echo '@calendars'
            ;;
        'ticket need')
            case $2 in
                1) echo '@ids' ;;
                2) echo '@skus' ;;
            esac
            ;;
        'inventory list') echo 'below:reorder stock:0' ;;
        'inventory update' | 'inventory show' | 'inventory history' | 'inventory receive' | \
            'inventory consume' | 'inventory return' | 'inventory adjust' | 'inventory order')
            [ "$2" -eq 1 ] && echo '@skus'
            ;;
        'config get' | 'config unset') echo '@settings' ;;
        'config set') [ "$2" -eq 1 ] && echo '@settings' ;;
        'db backup' | *import) echo '@files' ;;
    esac
}

# Fills COMPREPLY with the candidates of SPEC that start with WORD.
_svcmgr_reply() {
    local spec=$1 word=$2 candidate
    local -a candidates=()
    case $spec in
        '') return ;;
        @files)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$word")
            return
            ;;
        @*)
            mapfile -t candidates < <(command svcmgr "${_svcmgr_db[@]}" complete \
                "${spec#@}" -- "$word" 2>/dev/null)
            ;;
        *) read -r -d '' -a candidates <<<"$spec" ;;
    esac
    COMPREPLY=()
    for candidate in "${candidates[@]}"; do
        [[ $candidate == "$word"* ]] && COMPREPLY+=("$candidate")
    done
    # A filter key ("status:") is not a whole word yet.
    if [ ${#COMPREPLY[@]} -eq 1 ] && [[ ${COMPREPLY[0]} == *: ]]; then
        compopt -o nospace 2>/dev/null
    fi
    # bash replaces only the text after the last ':' of the word (COMP_WORDBREAKS).
    if [[ $word == *:* && $COMP_WORDBREAKS == *:* ]]; then
        local head=${word%"${word##*:}"} i
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]=${COMPREPLY[i]#"$head"}
        done
    fi
}

_svcmgr() {
    # bash splits "--format=js" and "status:act" at '=' and ':'; join the pieces again into the
    # words as typed, using the positions in COMP_LINE.
    local line=${COMP_LINE:0:COMP_POINT} pos=0 i token rest trimmed skipped
    local -a words=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        rest=${line:pos}
        trimmed=${rest#"${rest%%[![:space:]]*}"}
        skipped=$((${#rest} - ${#trimmed}))
        token=${COMP_WORDS[i]}
        [ "$i" -eq "$COMP_CWORD" ] && token=$trimmed
        if [ "$i" -gt 0 ] && [ "$skipped" -eq 0 ]; then
            words[${#words[@]} - 1]+=$token
        else
            words+=("$token")
        fi
        pos=$((pos + skipped + ${#token}))
    done
    local cur=${words[${#words[@]} - 1]}

    # Walk the words before the cursor: the command path, positional count, pending option.
    local path='' expect='' word
    local -i npos=0
    _svcmgr_db=()
    for ((i = 1; i < ${#words[@]} - 1; i++)); do
        word=${words[i]}
        if [ -n "$expect" ]; then
            [ "$expect" = --db ] && _svcmgr_db=(--db "$word")
            expect=''
            continue
        fi
        case $word in
            -) npos+=1 ;;
            --db=*) _svcmgr_db=(--db "${word#--db=}") ;;
            --*=*) ;;
            -*) [[ $_svcmgr_flags == *" $word "* ]] || expect=$word ;;
            *)
                if [ "$npos" -eq 0 ] && [[ " $(_svcmgr_subcommands "$path") " == *" $word "* ]]
                then
                    path=${path:+$path }$word
                else
                    npos+=1
                fi
                ;;
        esac
    done

    COMPREPLY=()
    if [ -n "$expect" ]; then
        _svcmgr_reply "$(_svcmgr_option_values "$path" "$expect")" "$cur"
    elif [[ $cur == --*=* ]]; then
        _svcmgr_reply "$(_svcmgr_option_values "$path" "${cur%%=*}")" "${cur#*=}"
    elif [[ $cur == -* ]]; then
        local options
        options="$(_svcmgr_options "$path") $(_svcmgr_options '')"
        [ -z "$path" ] && options=$(_svcmgr_options '')
        _svcmgr_reply "$options" "$cur"
    elif [ "$npos" -eq 0 ] && [ -n "$(_svcmgr_subcommands "$path")" ]; then
        _svcmgr_reply "$(_svcmgr_subcommands "$path")" "$cur"
    else
        _svcmgr_reply "$(_svcmgr_positional_values "$path" $((npos + 1)))" "$cur"
    fi
}

complete -F _svcmgr svcmgr
