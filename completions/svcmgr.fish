# fish completion for svcmgr.
#
# Commands, verbs, options and fixed values are listed here; tests/cli/test_completion_fish.sh
# holds them to `svcmgr complete tree`. Values that live in the database (ticket ids, customer
# emails, categories) come from `svcmgr complete KIND`, which prints nothing when there is no
# database and never creates one.

# Options that take a value, at any level (the others are flags).
set -g __svcmgr_value_options --db --actor --format --color --colour --busy-timeout \
    --customer --email --ref --category --channel --priority --assignee --description \
    --sort --limit --columns --title -m --message --minutes --for --cause --satisfaction \
    --entity --action --since --expect-head --name --location --supplier --unit-cost \
    --reorder-point --order-rule --reorder-qty --max --min-order --pack --lead-time \
    --holding-rate --note --ticket --to --reason --expected --window --service-level \
    --until --month --within --output --fail-on \
    --delimiter --tz --hours --from --days --yearly

function __svcmgr_subcommands -a path
    switch "$path"
        case ''
            echo ticket customer inventory calendar report config audit db
        case ticket
            echo add list show update comment start wait resolve close reopen need export \
                import events
        case 'ticket events' 'inventory moves'
            echo export import
        case inventory
            echo add update show list history receive consume return adjust order orders \
                reorder value export import moves
        case report
            echo list summary backlog sla causes customers agents inventory
        case customer
            echo list show export import
        case calendar
            echo add list show hours holiday export remove
        case 'calendar holiday'
            echo add remove list import
        case config
            echo list get set unset export import
        case audit
            echo log head verify
        case db
            echo check backup copy
    end
end

# Prints the command path given so far ("ticket add") and the number of positional arguments.
function __svcmgr_state
    set -l tokens (commandline -opc)
    set -l path
    set -l npos 0
    set -l expect 0
    for token in $tokens[2..-1]
        if test $expect = 1
            set expect 0
            continue
        end
        switch $token
            case -
                set npos (math $npos + 1)
            case '--*=*'
            case '-*'
                contains -- $token $__svcmgr_value_options; and set expect 1
            case '*'
                if test $npos = 0; and contains -- $token (string split ' ' -- \
                        (__svcmgr_subcommands "$path"))
                    set -a path $token
                else
                    set npos (math $npos + 1)
                end
        end
    end
    echo "$path"
    echo $npos
end

# True when the command path is exactly PATH.
function __svcmgr_at -a path
    set -l state (__svcmgr_state)
    test "$state[1]" = "$path"
end

# True when the command path is PATH and the next argument is positional number N (from 1).
function __svcmgr_positional -a path n
    set -l state (__svcmgr_state)
    test "$state[1]" = "$path"; and test (math $state[2] + 1) = $n
end

# Values `svcmgr complete KIND` prints for the current word, from the database named on the
# command line (if any).
function __svcmgr_values -a kind
    set -l tokens (commandline -opc)
    set -l db
    for i in (seq (count $tokens))
        if test "$tokens[$i]" = --db; and test $i -lt (count $tokens)
            set db --db $tokens[(math $i + 1)]
        else if string match -q -- '--db=*' $tokens[$i]
            set db --db (string replace -- '--db=' '' $tokens[$i])
        end
    end
    set -l word (commandline -ct)
    command svcmgr $db complete $kind -- (string replace -r -- '^--[^=]*=' '' $word) 2>/dev/null
end

complete -c svcmgr -f

# Global options, valid before or after the command.
complete -c svcmgr -l db -r -F -d 'Database file or PostgreSQL URI'
complete -c svcmgr -l actor -x -d 'Who makes the change'
complete -c svcmgr -l format -x -a 'table csv tsv json jsonl' -d 'Output format'
complete -c svcmgr -l color -x -a 'auto always never' -d 'Colour'
complete -c svcmgr -l colour -x -a 'auto always never' -d 'Colour'
complete -c svcmgr -l busy-timeout -x -d 'How long to wait for another writer'
complete -c svcmgr -s q -l quiet -d 'Print nothing but data and errors'
complete -c svcmgr -s h -l help -d 'Print help'
complete -c svcmgr -l version -d 'Print the version'

# Commands.
complete -c svcmgr -n '__svcmgr_at ""' -a ticket \
    -d 'Customer requests, from first contact to satisfaction'
complete -c svcmgr -n '__svcmgr_at ""' -a customer -d 'Customers and their contacts'
complete -c svcmgr -n '__svcmgr_at ""' -a inventory -d 'Repair parts: stock, ledger and orders'
complete -c svcmgr -n '__svcmgr_at ""' -a calendar \
    -d 'Business hours and holidays for the SLA clocks'
complete -c svcmgr -n '__svcmgr_at ""' -a report -d 'Reports for people and for cron'
complete -c svcmgr -n '__svcmgr_at ""' -a config -d 'Settings: SLA targets, costs, categories'
complete -c svcmgr -n '__svcmgr_at ""' -a audit -d 'The tamper-evident record of every change'
complete -c svcmgr -n '__svcmgr_at ""' -a db -d 'Check, back up or copy the database'

# ticket
complete -c svcmgr -n '__svcmgr_at ticket' -a add -d 'Record a new customer request'
complete -c svcmgr -n '__svcmgr_at ticket' -a list -d 'List tickets matching filter terms'
complete -c svcmgr -n '__svcmgr_at ticket' -a show -d 'Show tickets with their history'
complete -c svcmgr -n '__svcmgr_at ticket' -a update -d 'Change title, priority, category, assignee'
complete -c svcmgr -n '__svcmgr_at ticket' -a comment -d 'Add a note, reply or inbound message'
complete -c svcmgr -n '__svcmgr_at ticket' -a start -d 'Start work on tickets'
complete -c svcmgr -n '__svcmgr_at ticket' -a wait -d 'Wait for the customer or for parts'
complete -c svcmgr -n '__svcmgr_at ticket' -a resolve -d 'Mark tickets resolved, with the cause'
complete -c svcmgr -n '__svcmgr_at ticket' -a close -d 'Close resolved tickets with the rating'
complete -c svcmgr -n '__svcmgr_at ticket' -a reopen -d 'Reopen resolved or closed tickets'
complete -c svcmgr -n '__svcmgr_at ticket' -a need -d 'Record that a repair needs a part'
complete -c svcmgr -n '__svcmgr_positional "ticket need" 1' -a '(__svcmgr_values ids)'
complete -c svcmgr -n '__svcmgr_positional "ticket need" 2' -a '(__svcmgr_values skus)'

set -l add '__svcmgr_at "ticket add"'
complete -c svcmgr -n $add -l customer -x -d 'Customer name'
complete -c svcmgr -n $add -l email -x -a '(__svcmgr_values customers)' -d 'Customer email'
complete -c svcmgr -n $add -l ref -x -d 'External reference'
complete -c svcmgr -n $add -l category -x -a '(__svcmgr_values categories)' -d 'Category'
complete -c svcmgr -n $add -l channel -x -a '(__svcmgr_values channels)' -d 'Channel'
complete -c svcmgr -n $add -l priority -x -a 'low normal high urgent' -d 'Priority'
complete -c svcmgr -n $add -l assignee -x -d 'Who works on it'
complete -c svcmgr -n $add -l description -x -d 'Details; - reads standard input'

set -l list '__svcmgr_at "ticket list"'
complete -c svcmgr -n $list -a '(__svcmgr_values filters)'
complete -c svcmgr -n $list -l sort -x -a '(__svcmgr_values sort)' -d 'Sort key; - reverses'
complete -c svcmgr -n $list -l limit -x -d 'At most this many tickets'
complete -c svcmgr -n $list -l columns -x -a '(__svcmgr_values columns)' -d 'Columns to show'

for verb in show update comment start wait resolve close reopen
    complete -c svcmgr -n "__svcmgr_at 'ticket $verb'" -a '(__svcmgr_values ids)'
end

set -l update '__svcmgr_at "ticket update"'
complete -c svcmgr -n $update -l title -x -d 'New title'
complete -c svcmgr -n $update -l priority -x -a 'low normal high urgent' -d 'New priority'
complete -c svcmgr -n $update -l category -x -a '(__svcmgr_values categories)' -d 'New category'
complete -c svcmgr -n $update -l assignee -x -d 'New assignee'

set -l comment '__svcmgr_at "ticket comment"'
complete -c svcmgr -n $comment -s m -l message -x -d 'The text; - reads standard input'
complete -c svcmgr -n $comment -l reply -d 'A response to the customer'
complete -c svcmgr -n $comment -l inbound -d 'A message from the customer'
complete -c svcmgr -n $comment -l minutes -x -d 'Minutes of work to record'

complete -c svcmgr -n '__svcmgr_at "ticket wait"' -l for -x -a 'customer parts' \
    -d 'What the ticket waits for'

set -l resolve '__svcmgr_at "ticket resolve"'
complete -c svcmgr -n $resolve -l cause -x -d 'Root cause code'
complete -c svcmgr -n $resolve -l preventable -d 'Our own error caused the contact'
complete -c svcmgr -n $resolve -l not-preventable -d 'The contact could not have been avoided'

set -l close '__svcmgr_at "ticket close"'
complete -c svcmgr -n $close -l satisfaction -x -a '1 2 3 4 5' -d 'The rating, 1 to 5'
complete -c svcmgr -n $close -l no-response -d 'The customer did not rate'

# inventory
complete -c svcmgr -n '__svcmgr_at inventory' -a add -d 'Add a part'
complete -c svcmgr -n '__svcmgr_at inventory' -a update -d "Change a part's fields"
complete -c svcmgr -n '__svcmgr_at inventory' -a show -d 'Show a part and its recent ledger'
complete -c svcmgr -n '__svcmgr_at inventory' -a list -d 'List parts matching filter terms'
complete -c svcmgr -n '__svcmgr_at inventory' -a history -d 'The ledger of a part'
complete -c svcmgr -n '__svcmgr_at inventory' -a receive -d 'Receive stock'
complete -c svcmgr -n '__svcmgr_at inventory' -a consume -d "Use parts for a ticket's repair"
complete -c svcmgr -n '__svcmgr_at inventory' -a return -d 'Put unused parts back into stock'
complete -c svcmgr -n '__svcmgr_at inventory' -a adjust -d 'Record a cycle count'
complete -c svcmgr -n '__svcmgr_at inventory' -a order -d 'Record parts ordered from a supplier'
complete -c svcmgr -n '__svcmgr_at inventory' -a orders -d 'List open orders'
complete -c svcmgr -n '__svcmgr_at inventory' -a reorder -d 'What to order now and why'
complete -c svcmgr -n '__svcmgr_at inventory' -a value -d 'Stock value, cover, dead and excess'
for verb in add update
    set -l part "__svcmgr_at 'inventory $verb'"
    complete -c svcmgr -n $part -l name -x -d 'What the part is'
    complete -c svcmgr -n $part -l location -x -d 'Where it is kept'
    complete -c svcmgr -n $part -l supplier -x -d 'Who supplies it'
    complete -c svcmgr -n $part -l unit-cost -x -d 'Cost of one'
    complete -c svcmgr -n $part -l reorder-point -x -d 'Reorder at or below this position'
    complete -c svcmgr -n $part -l order-rule -x -a 'fixed up-to-max eoq' -d 'Order rule'
    complete -c svcmgr -n $part -l reorder-qty -x -d 'Quantity a fixed order buys'
    complete -c svcmgr -n $part -l max -x -d 'Stock an up-to-max order fills to'
    complete -c svcmgr -n $part -l min-order -x -d "The supplier's minimum order"
    complete -c svcmgr -n $part -l pack -x -d 'Units per pack'
    complete -c svcmgr -n $part -l lead-time -x -d 'Days from order to delivery'
    complete -c svcmgr -n $part -l holding-rate -x -d 'Yearly cost of holding'
end
for verb in update show history receive consume return adjust order
    complete -c svcmgr -n "__svcmgr_positional 'inventory $verb' 1" -a '(__svcmgr_values skus)'
end
complete -c svcmgr -n '__svcmgr_at "inventory list"' -a 'below:reorder stock:0'
complete -c svcmgr -n '__svcmgr_at "inventory history"' -l since -x -d 'Only moves since'
set -l receive '__svcmgr_at "inventory receive"'
complete -c svcmgr -n $receive -l unit-cost -x -d 'Cost of one in this delivery'
complete -c svcmgr -n $receive -l note -x -d 'A note for the ledger'
complete -c svcmgr -n $receive -l release -d 'Reserve for waiting tickets and resume them'
for verb in consume return
    complete -c svcmgr -n "__svcmgr_at 'inventory $verb'" -l ticket -x \
        -a '(__svcmgr_values ids)' -d 'The ticket the parts are for'
end
set -l adjust '__svcmgr_at "inventory adjust"'
complete -c svcmgr -n $adjust -l to -x -d 'The counted quantity'
complete -c svcmgr -n $adjust -l reason -x -d 'Why the count differs'
set -l order '__svcmgr_at "inventory order"'
complete -c svcmgr -n $order -l supplier -x -d "Supplier (default: the part's)"
complete -c svcmgr -n $order -l expected -x -d 'Expected delivery date'
for verb in reorder value
    complete -c svcmgr -n "__svcmgr_at 'inventory $verb'" -l window -x -d 'Usage window in days'
    complete -c svcmgr -n "__svcmgr_at 'inventory $verb'" -l service-level -x \
        -d 'Chance of no stock-out in a lead time'
end

# report
complete -c svcmgr -n '__svcmgr_at report' -a list -d 'The reports and the metrics each offers'
complete -c svcmgr -n '__svcmgr_at report' -a summary -d 'Volumes, times, SLA, CSAT and cost'
complete -c svcmgr -n '__svcmgr_at report' -a backlog -d 'Active tickets by status and age'
complete -c svcmgr -n '__svcmgr_at report' -a sla -d 'Tickets that breached or will breach'
complete -c svcmgr -n '__svcmgr_at report' -a causes -d 'Contacts by cause, preventable first'
complete -c svcmgr -n '__svcmgr_at report' -a customers -d 'Repeat contacts and CSAT per customer'
complete -c svcmgr -n '__svcmgr_at report' -a agents -d 'Handled, resolution time, CSAT, minutes'
complete -c svcmgr -n '__svcmgr_at report' -a inventory -d 'Stock-outs, waiting repairs, overstock'
for verb in summary causes customers agents inventory
    set -l report "__svcmgr_at 'report $verb'"
    complete -c svcmgr -n $report -l since -x -d 'Period start, inclusive'
    complete -c svcmgr -n $report -l until -x -d 'Period end, exclusive'
    complete -c svcmgr -n $report -l month -x -d 'A whole local month, such as 2026-11'
end
complete -c svcmgr -n '__svcmgr_at "report backlog"' -l detail -d 'List the oldest tickets'
complete -c svcmgr -n '__svcmgr_at "report sla"' -l within -x \
    -d 'Also list what falls due this soon'
for verb in summary backlog sla causes customers agents inventory
    set -l report "__svcmgr_at 'report $verb'"
    complete -c svcmgr -n $report -l output -r -F -d 'Write the report to this file atomically'
    complete -c svcmgr -n $report -l fail-on -x -a "(__svcmgr_values metrics.$verb)" \
        -d 'Exit 3 when METRIC>VALUE holds'
end

# customer
complete -c svcmgr -n '__svcmgr_at customer' -a list -d 'List customers with ticket counts'
complete -c svcmgr -n '__svcmgr_at customer' -a show -d 'Show a customer and their tickets'
complete -c svcmgr -n '__svcmgr_at "customer show"' -a '(__svcmgr_values customers)'

# calendar
complete -c svcmgr -n '__svcmgr_at calendar' -a add -d 'Add a calendar with its weekly hours'
complete -c svcmgr -n '__svcmgr_at calendar' -a list -d "List the calendars with today's hours"
complete -c svcmgr -n '__svcmgr_at calendar' -a show -d 'Print the business periods of some days'
complete -c svcmgr -n '__svcmgr_at calendar' -a hours -d 'Change the weekly hours from a date on'
complete -c svcmgr -n '__svcmgr_at calendar' -a holiday -d "A calendar's holidays"
complete -c svcmgr -n '__svcmgr_at calendar' -a export \
    -d 'Write the holidays as an iCalendar file'
complete -c svcmgr -n '__svcmgr_at calendar' -a remove -d 'Remove a calendar no setting uses'
complete -c svcmgr -n '__svcmgr_at "calendar holiday"' -a add -d 'Add a holiday, once or yearly'
complete -c svcmgr -n '__svcmgr_at "calendar holiday"' -a remove -d 'Remove a holiday'
complete -c svcmgr -n '__svcmgr_at "calendar holiday"' -a list -d "List a calendar's holidays"
complete -c svcmgr -n '__svcmgr_at "calendar holiday"' -a import \
    -d 'Add the holidays of an iCalendar file'
complete -c svcmgr -n '__svcmgr_positional "calendar holiday import" 2' -F
complete -c svcmgr -n '__svcmgr_at "calendar add"' -l tz -x -d 'IANA time zone'
complete -c svcmgr -n '__svcmgr_at "calendar add"' -l hours -x -d 'Weekly hours'
complete -c svcmgr -n '__svcmgr_at "calendar show"' -l from -x -d 'First local date'
complete -c svcmgr -n '__svcmgr_at "calendar show"' -l days -x -d 'How many days'
complete -c svcmgr -n '__svcmgr_at "calendar hours"' -l hours -x -d 'Weekly hours'
complete -c svcmgr -n '__svcmgr_at "calendar hours"' -l from -x \
    -d 'First local date of the new hours'
complete -c svcmgr -n '__svcmgr_at "calendar holiday add"' -l yearly -x -d 'Every year on MM-DD'
complete -c svcmgr -n '__svcmgr_at "calendar holiday add"' -l name -x \
    -d 'What the day is called'
for verb in show hours export remove 'holiday add' 'holiday remove' 'holiday list' 'holiday import'
    complete -c svcmgr -n "__svcmgr_positional 'calendar $verb' 1" \
        -a '(__svcmgr_values calendars)'
end

# config
complete -c svcmgr -n '__svcmgr_at config' -a list -d 'List every setting'
complete -c svcmgr -n '__svcmgr_at config' -a get -d 'Print the value of a setting'
complete -c svcmgr -n '__svcmgr_at config' -a set -d 'Change a setting'
complete -c svcmgr -n '__svcmgr_at config' -a unset -d 'Restore the default of a setting'
complete -c svcmgr -n '__svcmgr_at "config get"' -a '(__svcmgr_values settings)'
complete -c svcmgr -n '__svcmgr_at "config unset"' -a '(__svcmgr_values settings)'
complete -c svcmgr -n '__svcmgr_positional "config set" 1' -a '(__svcmgr_values settings)'

# audit
complete -c svcmgr -n '__svcmgr_at audit' -a log -d 'List audit records'
complete -c svcmgr -n '__svcmgr_at audit' -a head -d 'Print the newest record as SEQ HASH'
complete -c svcmgr -n '__svcmgr_at audit' -a verify -d 'Recompute the hash chain'
set -l log '__svcmgr_at "audit log"'
complete -c svcmgr -n $log -l entity -x -d 'Only this entity (ticket:42)'
complete -c svcmgr -n $log -l actor -x -d 'Only changes by this actor'
complete -c svcmgr -n $log -l action -x -d 'Only this action'
complete -c svcmgr -n $log -l since -x -d 'Only changes at or after this time'
complete -c svcmgr -n '__svcmgr_at "audit verify"' -l expect-head -x \
    -d 'Fail unless row SEQ still has HASH'

# db
complete -c svcmgr -n '__svcmgr_at db' -a check -d 'Check integrity'
complete -c svcmgr -n '__svcmgr_at db' -a backup -d 'Write a consistent copy of the database'
complete -c svcmgr -n '__svcmgr_positional "db backup" 1' -F
complete -c svcmgr -n '__svcmgr_at db' -a copy -d 'Copy the whole database into a new or empty one'
complete -c svcmgr -n '__svcmgr_at "db copy"' -l to -r -F -d 'The new file or empty PostgreSQL database'

# export and import (every dataset)
complete -c svcmgr -n '__svcmgr_at ticket' -a export -d 'Write every ticket'
complete -c svcmgr -n '__svcmgr_at ticket' -a import -d 'Add or update tickets from a file'
complete -c svcmgr -n '__svcmgr_at ticket' -a events -d 'The history of every ticket'
complete -c svcmgr -n '__svcmgr_at inventory' -a export -d 'Write every part'
complete -c svcmgr -n '__svcmgr_at inventory' -a import -d 'Add or update parts from a file'
complete -c svcmgr -n '__svcmgr_at inventory' -a moves -d 'The ledger of every part'
complete -c svcmgr -n '__svcmgr_at customer' -a export -d 'Write every customer'
complete -c svcmgr -n '__svcmgr_at customer' -a import -d 'Add or update customers from a file'
complete -c svcmgr -n '__svcmgr_at config' -a export -d 'Write the settings set here'
complete -c svcmgr -n '__svcmgr_at config' -a import -d 'Set settings from a file'
for path in 'ticket events' 'inventory moves'
    complete -c svcmgr -n "__svcmgr_at '$path'" -a export -d 'Write every row'
    complete -c svcmgr -n "__svcmgr_at '$path'" -a import -d 'Add rows from a file'
end
for path in ticket customer inventory config 'ticket events' 'inventory moves'
    set -l export "__svcmgr_at '$path export'"
    set -l columns columns.(string replace -a ' ' - -- $path)
    complete -c svcmgr -n $export -l columns -x -a "(__svcmgr_values $columns)" \
        -d 'Columns to write, in order'
    complete -c svcmgr -n $export -l bom -d 'csv: start with a byte order mark'
    complete -c svcmgr -n $export -l delimiter -x -d 'csv: , or ;'
    set -l import "__svcmgr_at '$path import'"
    complete -c svcmgr -n $import -F
    complete -c svcmgr -n $import -l dry-run -d 'Check every row, write nothing'
    complete -c svcmgr -n $import -l delimiter -x -d 'csv: , or ;'
end
for path in ticket customer inventory config
    complete -c svcmgr -n "__svcmgr_at '$path import'" -l update -d 'Apply the cells to known rows'
end
