#pragma once

// Loading a shared library at run time, for the libraries only some commands need (libpq for a
// PostgreSQL database, libical for an iCalendar file): each one's table of function pointers is
// filled from an X-macro list of their names.

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <dlfcn.h>
#include <string_view>
#include <type_traits>

namespace svcmgr {

// Opens `soname` and fills `table` by calling `fill(resolve)`, where resolve(pointer, name)
// looks one function up. A library that cannot be opened is Error(config) with dlerror's reason
// and a hint to install `package`; one that lacks a function is Error(config) calling it too
// old, and is closed again. A library that has them all stays loaded. `what` names it in the
// messages ("PostgreSQL client library").
template <class Table, class Fill>
Table load_shared_library(const char* soname, std::string_view what, std::string_view package,
                          Fill fill) {
    void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        throw Error(ErrorKind::config, fmt::format("cannot load the {}: {}", what, ::dlerror()),
                    fmt::format("install {0} (apt-get install {0})", package));
    }
    Table table;
    bool complete = true;
    const auto resolve = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
        complete = complete && fn != nullptr;
    };
    fill(table, resolve);
    if (!complete) {
        ::dlclose(lib);
        throw Error(ErrorKind::config, fmt::format("the {} {} is too old", what, soname),
                    fmt::format("install a current {}", package));
    }
    return table;
}

} // namespace svcmgr
