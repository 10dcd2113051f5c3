#include <svcmgr/text.hpp>

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace svcmgr {

namespace {

constexpr char32_t k_replacement = 0xFFFD;

struct Decoded {
    char32_t code_point;
    std::size_t length; // 0 when the bytes at the position are not well-formed UTF-8
};

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0U) == 0x80U;
}

// Decodes the code point starting at s[pos], rejecting overlongs, surrogates, values above
// U+10FFFF, truncated sequences and stray continuation bytes.
Decoded decode(std::string_view s, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(s[pos]);
    std::size_t length = 0;
    char32_t code_point = 0;
    char32_t minimum = 0;
    if (lead < 0x80U) {
        return {lead, 1};
    } else if ((lead & 0xE0U) == 0xC0U) {
        length = 2;
        code_point = lead & 0x1FU;
        minimum = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
        length = 3;
        code_point = lead & 0x0FU;
        minimum = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
        length = 4;
        code_point = lead & 0x07U;
        minimum = 0x10000;
    } else {
        return {0, 0};
    }
    if (s.size() - pos < length) {
        return {0, 0};
    }
    for (std::size_t i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(s[pos + i]);
        if (!is_continuation(byte)) {
            return {0, 0};
        }
        code_point = (code_point << 6) | (byte & 0x3FU);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
        return {0, 0};
    }
    return {code_point, length};
}

void append_utf8(std::string& out, char32_t code_point) {
    utf8proc_uint8_t buffer[4];
    const auto length = utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
    out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

} // namespace

bool is_valid_utf8(std::string_view s) {
    for (std::size_t pos = 0; pos < s.size();) {
        // ASCII eight bytes at a time.
        if (s.size() - pos >= 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, s.data() + pos, sizeof word);
            if ((word & 0x8080808080808080ULL) == 0) {
                pos += 8;
                continue;
            }
        }
        if (static_cast<unsigned char>(s[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const auto decoded = decode(s, pos);
        if (decoded.length == 0) {
            return false;
        }
        pos += decoded.length;
    }
    return true;
}

void append_repaired_utf8(std::string& out, std::string_view s) {
    if (is_valid_utf8(s)) {
        out.append(s);
        return;
    }
    for (std::size_t pos = 0; pos < s.size();) {
        const auto decoded = decode(s, pos);
        if (decoded.length == 0) {
            append_utf8(out, k_replacement);
            pos += 1;
        } else {
            out.append(s.substr(pos, decoded.length));
            pos += decoded.length;
        }
    }
}

std::string repair_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    append_repaired_utf8(out, s);
    return out;
}

std::size_t display_width(std::string_view s) {
    std::size_t width = 0;
    for (std::size_t pos = 0; pos < s.size();) {
        const auto decoded = decode(s, pos);
        if (decoded.length == 0) {
            width += 1;
            pos += 1;
            continue;
        }
        const int columns = utf8proc_charwidth(static_cast<utf8proc_int32_t>(decoded.code_point));
        if (columns > 0) {
            width += static_cast<std::size_t>(columns);
        }
        pos += decoded.length;
    }
    return width;
}

std::string fold_case(std::string_view s) {
    // utf8proc refuses ill-formed input; search should still work on the valid parts.
    const std::string input = repair_utf8(s);
    utf8proc_uint8_t* mapped = nullptr;
    const auto length = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(input.data()),
        static_cast<utf8proc_ssize_t>(input.size()), &mapped,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
    if (length < 0) {
        return input;
    }
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
    return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

std::string_view trim(std::string_view s) {
    constexpr std::string_view k_whitespace = " \t\n\r\f\v";
    const auto first = s.find_first_not_of(k_whitespace);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(k_whitespace);
    return s.substr(first, last - first + 1);
}

std::string join_names(std::span<const std::string_view> names, std::string_view last) {
    std::string joined;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            joined += i + 1 == names.size() ? last : ", ";
        }
        joined += names[i];
    }
    return joined;
}

bool starts_with_csv_guard(std::string_view s) {
    // Every guard starts with one of these bytes (0xEF: the full-width forms).
    if (s.empty() ||
        std::string_view("=+-@\t\r\n'\xEF").find(s.front()) == std::string_view::npos) {
        return false;
    }
    static constexpr std::array<std::string_view, 12> k_guards{
        "=",
        "+",
        "-",
        "@",
        "\t",
        "\r",
        "\n",
        "'",
        "\xEF\xBC\x9D", // U+FF1D FULLWIDTH EQUALS SIGN
        "\xEF\xBC\x8B", // U+FF0B FULLWIDTH PLUS SIGN
        "\xEF\xBC\x8D", // U+FF0D FULLWIDTH HYPHEN-MINUS
        "\xEF\xBC\xA0", // U+FF20 FULLWIDTH COMMERCIAL AT
    };
    return std::any_of(k_guards.begin(), k_guards.end(),
                       [&](std::string_view g) { return s.starts_with(g); });
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: insertions, deletions, substitutions, adjacent transpositions.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

} // namespace

std::optional<std::string> closest_name(std::string_view typed,
                                        const std::vector<std::string>& names) {
    std::optional<std::string> best;
    std::size_t best_distance = std::max<std::size_t>(2, typed.size() / 3) + 1;
    for (const auto& name : names) {
        const std::size_t d = edit_distance(typed, name);
        if (d < best_distance && d < name.size()) {
            best = name;
            best_distance = d;
        }
    }
    return best;
}

} // namespace svcmgr
