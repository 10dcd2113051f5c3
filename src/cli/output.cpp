#include "output.hpp"

#include "render/writer.hpp"

#include <svcmgr/text.hpp>

#include <array>
#include <utility>

namespace svcmgr::cli {

namespace {

struct FormatEntry {
    std::string_view name;
    Format format;
    writers::MakeWriter make;
};

// Every output format, its name for --format and its writer (src/cli/render/).
constexpr std::array<FormatEntry, 5> k_formats{{
    {"table", Format::table, writers::make_table_writer},
    {"csv", Format::csv, writers::make_csv_writer},
    {"tsv", Format::tsv, writers::make_tsv_writer},
    {"json", Format::json, writers::make_json_writer},
    {"jsonl", Format::jsonl, writers::make_jsonl_writer},
}};

writers::MakeWriter writer_for(Format format) {
    for (const FormatEntry& entry : k_formats) {
        if (entry.format == format) {
            return entry.make;
        }
    }
    return writers::make_table_writer;
}

} // namespace

std::optional<Format> parse_format(std::string_view name) {
    for (const FormatEntry& entry : k_formats) {
        if (entry.name == name) {
            return entry.format;
        }
    }
    return std::nullopt;
}

std::string format_names(std::string_view last) {
    std::array<std::string_view, k_formats.size()> names{};
    for (std::size_t i = 0; i < k_formats.size(); ++i) {
        names.at(i) = k_formats.at(i).name;
    }
    return join_names(names, last);
}

struct RowWriter::Impl {
    std::unique_ptr<writers::Writer> writer;
    bool finished = false;
};

RowWriter::RowWriter(std::FILE* out, std::vector<Column> columns, RenderOptions options)
    : m_impl(std::make_unique<Impl>(
          Impl{writer_for(options.format)(out, std::move(columns), options), false})) {}

// Without finish() (a command that failed half-way), the table format prints nothing and json
// stays an unterminated array: the caller reports the error and exits non-zero.
RowWriter::~RowWriter() = default;

void RowWriter::write(const Row& row) {
    if (!m_impl->finished) {
        m_impl->writer->write(row);
    }
}

void RowWriter::finish() {
    if (!m_impl->finished) {
        m_impl->writer->finish();
        m_impl->finished = true;
    }
}

void render(std::FILE* out, const Table& table, const RenderOptions& options) {
    RowWriter writer(out, table.columns, options);
    for (const Row& row : table.rows) {
        writer.write(row);
    }
    writer.finish();
}

void render_record(std::FILE* out, const Table& table, const RenderOptions& options) {
    if (options.format != Format::table) {
        render(out, table, options);
        return;
    }
    writers::write_table_records(out, table, options);
}

} // namespace svcmgr::cli
