// libFuzzer target: the UTF-8 helpers of include/svcmgr/text.hpp. is_valid_utf8 is compared with
// a straightforward decoder written from RFC 3629; display_width never exceeds two columns per
// byte; fold_case of valid UTF-8 is valid UTF-8 and folding twice changes nothing more.

#include <svcmgr/text.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "fuzz_text: %s\n", what);
    std::abort();
}

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool reference_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            n = 1;
            cp = b & 0x1Fu;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 2;
            cp = b & 0x0Fu;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 3;
            cp = b & 0x07u;
        } else {
            return false;
        }
        if (i + n >= s.size()) { // truncated sequence
            return false;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0u) != 0x80u) {
                return false;
            }
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    const bool valid = svcmgr::is_valid_utf8(s);
    if (valid != reference_valid_utf8(s)) {
        die(valid ? "is_valid_utf8 accepted invalid UTF-8" : "is_valid_utf8 refused valid UTF-8");
    }
    if (svcmgr::display_width(s) > 2 * s.size()) {
        die("display_width above two columns per byte");
    }
    const std::string_view trimmed = svcmgr::trim(s);
    if (trimmed.size() > s.size()) {
        die("trim grew the text");
    }
    if (valid) {
        const std::string folded = svcmgr::fold_case(s);
        if (!svcmgr::is_valid_utf8(folded)) {
            die("fold_case produced invalid UTF-8");
        }
        if (svcmgr::fold_case(folded) != folded) {
            die("fold_case is not idempotent");
        }
        (void)svcmgr::display_width(folded);
    } else {
        (void)svcmgr::fold_case(s); // must not crash on bad input either
    }
    return 0;
}
