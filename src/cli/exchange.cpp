// The export and import verbs every dataset shares: `ticket export`, `customer import`, ...

#include "commands.hpp"
#include "progress.hpp"

#include <svcmgr/error.hpp>
#include <svcmgr/exchange.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace svcmgr::cli {

namespace {

std::string column_list(Dataset dataset) {
    std::vector<std::string> names;
    for (const auto& c : dataset_columns(dataset)) {
        names.push_back(c.name);
    }
    return fmt::format("{}", fmt::join(names, ","));
}

// The share of a regular file read so far, for the progress line; none for a pipe.
std::function<double()> share_read(std::FILE* file) {
    struct stat st {};
    if (fstat(fileno(file), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        return {};
    }
    const auto size = static_cast<double>(st.st_size);
    return [file, size] {
        const off_t position = ftello(file);
        return position < 0 ? 0.0 : static_cast<double>(position) / size;
    };
}

char delimiter_option(const std::string& value) {
    if (value == "," || value == ";") {
        return value.front();
    }
    throw Error(ErrorKind::usage,
                fmt::format("invalid value '{}' for --delimiter: expected , or ;", value));
}

// Export writes a machine format: csv unless --format asks for tsv, json or jsonl (the table
// format, the default, means csv here).
RenderOptions export_render_options(const Context& ctx, bool bom, const std::string& delimiter,
                                    bool delimiter_given) {
    RenderOptions options = ctx.render_options();
    if (options.format == Format::table) {
        options.format = Format::csv;
    }
    if (options.format != Format::csv && (bom || delimiter_given)) {
        throw Error(ErrorKind::usage, "--bom and --delimiter apply to csv only");
    }
    options.bom = bom;
    options.delimiter = delimiter_given ? delimiter_option(delimiter) : ',';
    options.colour = Colour::no;
    options.batch = true;
    return options;
}

void add_export(CLI::App& parent, Context& ctx, Dataset dataset, const ExchangeHelp& help) {
    struct Args {
        std::string columns, delimiter;
        bool bom = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = parent.add_subcommand("export", help.export_summary);
    auto* columns = cmd->add_option("--columns", args->columns,
                                    "Comma-separated columns to write, in that order");
    cmd->add_flag("--bom", args->bom, "csv: start with a UTF-8 byte order mark");
    auto* delimiter = cmd->add_option("--delimiter", args->delimiter, "csv: , (default) or ;");
    cmd->footer(
        fmt::format("Example:\n{}\nColumns: {}", help.export_examples, column_list(dataset)));
    cmd->callback(action(ctx, [=, &ctx] {
        std::vector<std::string> names;
        if (columns->count() > 0) {
            names = CLI::detail::split(args->columns, ',');
        }
        const RenderOptions options =
            export_render_options(ctx, args->bom, args->delimiter, delimiter->count() > 0);
        // One large buffer: a write per 256 KiB rather than per block of the file system.
        static std::array<char, 1 << 18> buffer;
        std::setvbuf(stdout, buffer.data(), _IOFBF, buffer.size());
        RowWriter writer(stdout, export_columns(dataset, names), options);
        Progress progress("exported");
        export_dataset(ctx.db(), dataset, names, [&](const Row& row) {
            writer.write(row);
            progress.tick();
        });
        writer.finish();
        progress.done();
        return 0;
    }));
}

void add_import(CLI::App& parent, Context& ctx, Dataset dataset, const ExchangeHelp& help) {
    struct Args {
        std::string file, delimiter;
        bool dry_run = false;
        bool update = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = parent.add_subcommand("import", help.import_summary);
    cmd->add_option("file", args->file, "CSV (or jsonl) file with a header, or - for stdin")
        ->required();
    cmd->add_flag("--dry-run", args->dry_run, "Check every row and write nothing");
    if (help.updatable) {
        cmd->add_flag("--update", args->update,
                      "Apply the file's cells to rows that exist already");
    }
    auto* delimiter = cmd->add_option("--delimiter", args->delimiter, "csv: , (default) or ;");
    cmd->footer(
        fmt::format("Example:\n{}\nColumns: {}", help.import_examples, column_list(dataset)));
    cmd->callback(action(ctx, [=, &ctx] {
        const Format format = ctx.render_options().format;
        if (format != Format::table && format != Format::csv && format != Format::jsonl) {
            throw Error(ErrorKind::usage, "import reads csv or jsonl",
                        "pass --format csv (the default) or --format jsonl");
        }
        if (format == Format::jsonl && delimiter->count() > 0) {
            throw Error(ErrorKind::usage, "--delimiter applies to csv only");
        }
        const char separator = delimiter->count() > 0 ? delimiter_option(args->delimiter) : ',';
        const Stamp stamp = ctx.stamp();
        InputFile input(args->file);
        auto source = format == Format::jsonl ? jsonl_source(input.get())
                                              : csv_source(input.get(), separator);
        Progress progress("imported", share_read(input.get()));
        const ImportOptions options{
            .on_conflict = args->update ? OnConflict::update : OnConflict::refuse,
            .dry_run = args->dry_run ? DryRun::yes : DryRun::no,
            .progress = [&progress](std::int64_t rows) { progress.set(rows); }};
        const ImportResult result = import_dataset(ctx.db(), dataset, *source, options, stamp);
        progress.done();
        if (!ctx.quiet()) {
            fmt::print(stderr, "{} {} row{}: {} created, {} updated, {} unchanged\n",
                       args->dry_run ? "checked" : "imported", result.rows,
                       result.rows == 1 ? "" : "s", result.created, result.updated,
                       result.unchanged);
        }
        return 0;
    }));
}

} // namespace

void add_exchange_verbs(CLI::App& parent, Context& ctx, Dataset dataset, const ExchangeHelp& help) {
    add_export(parent, ctx, dataset, help);
    add_import(parent, ctx, dataset, help);
}

} // namespace svcmgr::cli
