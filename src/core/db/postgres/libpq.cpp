#include "db/postgres/libpq.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <dlfcn.h>
#include <type_traits>

namespace svcmgr::pg {

Libpq load_libpq(const char* soname) {
    void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        throw Error(ErrorKind::config,
                    fmt::format("cannot load the PostgreSQL client library: {}", ::dlerror()),
                    "install libpq5 (apt-get install libpq5)");
    }
    Libpq pq;
    bool complete = true;
    const auto load = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
        complete = complete && fn != nullptr;
    };
#define SVCMGR_LIBPQ_LOAD(name) load(pq.name, #name);
    SVCMGR_LIBPQ_FUNCTIONS(SVCMGR_LIBPQ_LOAD)
#undef SVCMGR_LIBPQ_LOAD
    if (!complete) {
        ::dlclose(lib);
        throw Error(ErrorKind::config,
                    fmt::format("the PostgreSQL client library {} is too old", soname),
                    "install a current libpq5");
    }
    return pq;
}

} // namespace svcmgr::pg
