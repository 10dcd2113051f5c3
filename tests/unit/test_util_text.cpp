#include <svcmgr/text.hpp>

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

using namespace svcmgr;
using namespace std::string_view_literals;

TEST_CASE("repair_utf8 replaces each ill-formed byte with U+FFFD and keeps the rest") {
    CHECK(repair_utf8("plain") == "plain");
    CHECK(repair_utf8("\xC3\xA5sa") == "\xC3\xA5sa");
    CHECK(repair_utf8("a\xFF"
                      "b") == "a\xEF\xBF\xBD"
                              "b");
    CHECK(repair_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(repair_utf8("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("is_valid_utf8 accepts ascii, latin, cjk and emoji") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("Åsa Šimić Đurđa"));
    CHECK(is_valid_utf8("東京"));
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80")); // U+1F600
    CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF")); // U+10FFFF, the last code point
    CHECK(is_valid_utf8("a\0b"sv));
}

TEST_CASE("is_valid_utf8 rejects overlong encodings") {
    CHECK_FALSE(is_valid_utf8("\xC0\x80"));
    CHECK_FALSE(is_valid_utf8("\xC1\xBF"));
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));
    CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));
}

TEST_CASE("is_valid_utf8 rejects surrogates") {
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));
    CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));
}

TEST_CASE("is_valid_utf8 rejects code points above U+10FFFF") {
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));
    CHECK_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
    CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("is_valid_utf8 rejects truncated sequences") {
    CHECK_FALSE(is_valid_utf8("\xC3"));
    CHECK_FALSE(is_valid_utf8("ab\xE6\x9D"));
    CHECK_FALSE(is_valid_utf8("\xF0\x9F\x98"));
    CHECK_FALSE(is_valid_utf8("\xC3x"));
}

TEST_CASE("is_valid_utf8 rejects stray continuation bytes") {
    CHECK_FALSE(is_valid_utf8("\x80"));
    CHECK_FALSE(is_valid_utf8("a\xBF"));
    CHECK_FALSE(is_valid_utf8("\xC3\xA5\xA5"));
}

TEST_CASE("display_width counts one column per latin letter") {
    CHECK(display_width("") == 0);
    CHECK(display_width("abc") == 3);
    CHECK(display_width("Åsa") == 3);
    CHECK(display_width("Jüri") == 4);
    CHECK(display_width("Šimić") == 5);
    CHECK(display_width("Đurđa") == 5);
}

TEST_CASE("display_width counts two columns per wide character") {
    CHECK(display_width("東京") == 4);
    CHECK(display_width("\xF0\x9F\x98\x80") == 2);
}

TEST_CASE("display_width counts combining marks as zero") {
    CHECK(display_width("A\u030A") == 1);
    CHECK(display_width("Jo\u0308rg") == 4);
}

TEST_CASE("display_width counts each invalid byte as one") {
    CHECK(display_width("\xFF") == 1);
    CHECK(display_width("a\xC0\x80z") == 4);
    CHECK(display_width("\xE6\x9D") == 2);
}

TEST_CASE("fold_case makes upper and lower case equal") {
    CHECK(fold_case("ÅSA") == fold_case("åsa"));
    CHECK(fold_case("ÅSA") == "åsa");
    CHECK(fold_case("ŠIMIĆ") == "šimić");
    CHECK(fold_case("STRASSE") == "strasse");
    CHECK(fold_case("Jüri") == "jüri");
}

TEST_CASE("fold_case folds sharp s to ss") {
    CHECK(fold_case("ß") == "ss");
    CHECK(fold_case("Straße") == fold_case("STRASSE"));
}

TEST_CASE("fold_case composes to NFC first") {
    CHECK(fold_case("A\u030Asa") == "åsa");
    CHECK(fold_case("A\u030Asa") == fold_case("Åsa"));
}

TEST_CASE("fold_case replaces invalid bytes instead of failing") {
    CHECK(fold_case("AB\xFF") == "ab\uFFFD");
}

TEST_CASE("trim removes leading and trailing ascii whitespace") {
    CHECK(trim("  a b \t\r\n") == "a b");
    CHECK(trim("abc") == "abc");
    CHECK(trim("") == "");
    CHECK(trim(" \t\n ") == "");
    CHECK(trim("\v\fx\f") == "x");
}

TEST_CASE("trim keeps non-ascii whitespace") {
    CHECK(trim("\u00A0x\u00A0") == "\u00A0x\u00A0");
}

TEST_CASE("starts_with_csv_guard: formula starts, an apostrophe and the full-width forms") {
    for (std::string_view s :
         {"=1+1", "+46 8 123", "-5", "@SUM(A1)", "\tx", "\rx", "\nx", "'quoted",
          "\xEF\xBC\x9D"
          "1",
          "\xEF\xBC\x8B"
          "1",
          "\xEF\xBC\x8D"
          "1",
          "\xEF\xBC\xA0"
          "x"}) {
        CHECK_MESSAGE(starts_with_csv_guard(s), s);
    }
    for (std::string_view s : {"", "00123", "Åsa", "a=b", " =1", "\xEF\xBC\xA1"}) {
        CHECK_MESSAGE(!starts_with_csv_guard(s), s);
    }
}

TEST_CASE("join_names joins names for a message, the last with its own separator") {
    const std::array<std::string_view, 3> three = {"low", "normal", "high"};
    CHECK(join_names(three) == "low, normal, high");
    CHECK(join_names(three, " or ") == "low, normal or high");
    const std::array<std::string_view, 1> one = {"table"};
    CHECK(join_names(one, " or ") == "table");
    CHECK(join_names({}).empty());
}

TEST_CASE("closest_name finds a mistyped name, and nothing for a name far from all") {
    const std::vector<std::string> verbs = {"add", "list", "show", "close", "reopen"};
    CHECK(closest_name("lsit", verbs) == "list"); // an adjacent transposition is one edit
    CHECK(closest_name("clsoe", verbs) == "close");
    CHECK(closest_name("reopn", verbs) == "reopen");
    CHECK(closest_name("show", verbs) == "show");
    CHECK_FALSE(closest_name("frobnicate", verbs));
    // A name no longer than the distance is no suggestion: "x" is one edit from nothing useful.
    CHECK_FALSE(closest_name("x", {"ad"}));
    CHECK_FALSE(closest_name("anything", {}));
}
