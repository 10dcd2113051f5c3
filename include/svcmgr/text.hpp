#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace svcmgr {

// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// s with every byte that does not start a well-formed sequence replaced by U+FFFD, one each
// ("a\xFFb" -> "a\uFFFDb"); well-formed text unchanged.
std::string repair_utf8(std::string_view s);
// The same text appended to `out`.
void append_repaired_utf8(std::string& out, std::string_view s);

// Columns s occupies on a terminal: combining marks 0, CJK and emoji 2, others 1.
// Invalid bytes count 1 each.
std::size_t display_width(std::string_view s);

// Unicode case folding (NFC first), for case-insensitive search: fold_case("ÅSA") ==
// fold_case("åsa").
std::string fold_case(std::string_view s);

// True when s starts with a character a spreadsheet may take for the start of a formula, or with
// an apostrophe: = + - @ TAB CR LF ' and the full-width ＝ ＋ － ＠ (DESIGN.md section 7). Such
// text cells are written to CSV with one extra leading apostrophe; a SKU may not start with one.
bool starts_with_csv_guard(std::string_view s);

// Appends `s` to `out` as a JSON string literal in the one form RFC 8785 allows: `"` and `\`
// after a backslash; \b \t \n \f \r; other characters below U+0020 as \u00xx (lowercase hex);
// every other byte as itself. The bytes are not checked: pass valid UTF-8 (is_valid_utf8). The
// audit trail hashes this form, and the json and jsonl formats write it.
void append_json_string(std::string& out, std::string_view s);

// s with leading and trailing ASCII whitespace removed.
std::string_view trim(std::string_view s);

// `names` joined for a message: "a, b, c", or with `last` = " or " "a, b or c".
std::string join_names(std::span<const std::string_view> names, std::string_view last = ", ");

// The name in `names` closest to `typed` (by edit distance, with adjacent transpositions), if it
// is close enough to be what was meant: for "did you mean" after a mistyped name.
std::optional<std::string> closest_name(std::string_view typed,
                                        const std::vector<std::string>& names);

} // namespace svcmgr
