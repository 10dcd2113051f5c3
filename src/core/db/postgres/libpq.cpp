#include "db/postgres/libpq.hpp"

#include "util/shared_library.hpp"

namespace svcmgr::pg {

Libpq load_libpq(const char* soname) {
    return load_shared_library<Libpq>(soname, "PostgreSQL client library", "libpq5",
                                      [](Libpq& pq, const auto& resolve) {
#define SVCMGR_LIBPQ_LOAD(name) resolve(pq.name, #name);
                                          SVCMGR_LIBPQ_FUNCTIONS(SVCMGR_LIBPQ_LOAD)
#undef SVCMGR_LIBPQ_LOAD
                                      });
}

} // namespace svcmgr::pg
