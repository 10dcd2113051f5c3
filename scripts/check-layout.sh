#!/usr/bin/env bash
# Checks that the tree keeps the layout of DESIGN.md section 2: no file under src/ or include/
# over 600 lines; no SQL or sqlite3.h in src/cli or include; no CLI11 in src/core; nothing of
# db/ in src/core/util; no source file directly in src/core, outside a domain folder.
# Prints one line per problem and exits 1 when there is one; prints what it checked otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

max_lines=600
problems=0
problem() {
    printf '%s\n' "$1"
    problems=$((problems + 1))
}

# grep_files PATTERN FILE...: prints FILE:LINE:TEXT for each match of the extended PATTERN.
grep_files() {
    local pattern=$1
    shift
    [ "$#" -gt 0 ] || return 0
    grep -nE -- "$pattern" "$@" || true
}

mapfile -t sources < <(find src include -type f \( -name '*.cpp' -o -name '*.hpp' \) | sort)
mapfile -t cli_and_api < <(find src/cli include -type f \( -name '*.cpp' -o -name '*.hpp' \) | sort)
mapfile -t core < <(find src/core -type f \( -name '*.cpp' -o -name '*.hpp' \) | sort)
mapfile -t util < <(find src/core/util -type f \( -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort)

for f in "${sources[@]}"; do
    lines=$(wc -l <"$f")
    if [ "$lines" -gt "$max_lines" ]; then
        problem "$f: $lines lines, more than $max_lines"
    fi
done

sql='\b(SELECT|INSERT INTO|DELETE FROM)\b|\bUPDATE[[:space:]]+[[:alnum:]_]+[[:space:]]+SET\b'
while IFS= read -r hit; do
    problem "${hit%%:*}:$(cut -d: -f2 <<<"$hit"): SQL outside src/core"
done < <(grep_files "$sql" "${cli_and_api[@]}")
while IFS= read -r hit; do
    problem "${hit%%:*}:$(cut -d: -f2 <<<"$hit"): sqlite3.h outside src/core"
done < <(grep_files '#include[[:space:]]*[<"]sqlite3\.h[>"]' "${cli_and_api[@]}")
while IFS= read -r hit; do
    problem "${hit%%:*}:$(cut -d: -f2 <<<"$hit"): CLI11 included in src/core"
done < <(grep_files '#include[[:space:]]*<CLI/' "${core[@]}")
while IFS= read -r hit; do
    problem "${hit%%:*}:$(cut -d: -f2 <<<"$hit"): src/core/util includes db/"
done < <(grep_files '#include[[:space:]]*"db/' "${util[@]}")
while IFS= read -r f; do
    problem "$f: directly in src/core, outside a domain folder"
done < <(find src/core -maxdepth 1 -type f \( -name '*.cpp' -o -name '*.hpp' \) | sort)

printf 'checked %d files under src/ and include/ for more than %d lines, %d in src/cli and include for SQL and sqlite3.h, %d in src/core for CLI11, %d in src/core/util for db/, and src/core for files outside a domain folder\n' \
    "${#sources[@]}" "$max_lines" "${#cli_and_api[@]}" "${#core[@]}" "${#util[@]}"
if [ "$problems" -gt 0 ]; then
    printf 'check-layout: %d problem(s)\n' "$problems"
    exit 1
fi
echo "check-layout: ok"
