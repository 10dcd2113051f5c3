#pragma once

// Compact sets of the keys an import has seen, so that most rows need no lookup in the database.
// Both stay within a fixed size whatever the number of rows.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace svcmgr {

// An exact set of ids from 1 to k_limit - 1 (a bitmap as large as the largest id added: at most
// 4 MiB); larger ids are not tracked and the caller asks the database instead.
class IdSet {
public:
    static constexpr std::int64_t k_limit = std::int64_t{1} << 25;

    static bool tracks(std::int64_t id) { return id > 0 && id < k_limit; }
    // Ignored for an id that is not tracked.
    void insert(std::int64_t id) {
        if (!tracks(id)) {
            return;
        }
        const auto word = static_cast<std::size_t>(id >> 6);
        if (word >= m_bits.size()) {
            m_bits.resize(std::max(word + 1, m_bits.size() * 2), 0);
        }
        m_bits[word] |= std::uint64_t{1} << (id & 63);
    }
    // False for an id that is not tracked.
    bool contains(std::int64_t id) const {
        if (!tracks(id)) {
            return false;
        }
        const auto word = static_cast<std::size_t>(id >> 6);
        return word < m_bits.size() && (m_bits[word] >> (id & 63) & 1) != 0;
    }

private:
    std::vector<std::uint64_t> m_bits;
};

// A Bloom filter of text keys in 1 MiB: may_contain is false only for a key never added, and
// true for about 2% of other keys once a million keys were added, and for about one in a million
// at 200,000 keys (each true answer costs the importer a lookup).
class KeyFilter {
public:
    static constexpr std::size_t k_bits = std::size_t{1} << 23;

    KeyFilter() : m_bits(k_bits / 64, 0) {}

    void insert(std::string_view key) {
        const Probes p(key);
        for (int i = 0; i < k_probes; ++i) {
            const std::size_t bit = p.at(i);
            m_bits[bit >> 6] |= std::uint64_t{1} << (bit & 63);
        }
    }
    bool may_contain(std::string_view key) const {
        const Probes p(key);
        for (int i = 0; i < k_probes; ++i) {
            const std::size_t bit = p.at(i);
            if ((m_bits[bit >> 6] >> (bit & 63) & 1) == 0) {
                return false;
            }
        }
        return true;
    }

private:
    static constexpr int k_probes = 8;

    // Double hashing over one 64-bit hash, mixed (std::hash may be weak in its low bits).
    struct Probes {
        std::uint64_t h1, h2;
        explicit Probes(std::string_view key) {
            std::uint64_t h = std::hash<std::string_view>{}(key);
            h ^= h >> 33;
            h *= 0xff51afd7ed558ccdULL;
            h ^= h >> 33;
            h *= 0xc4ceb9fe1a85ec53ULL;
            h ^= h >> 33;
            h1 = h;
            h2 = (h >> 32 | h << 32) | 1;
        }
        std::size_t at(int i) const {
            return static_cast<std::size_t>((h1 + static_cast<std::uint64_t>(i) * h2) &
                                            (k_bits - 1));
        }
    };

    std::vector<std::uint64_t> m_bits;
};

} // namespace svcmgr
