#include "calendar/libical.hpp"

#include "util/shared_library.hpp"

namespace svcmgr::ical {

const Libical& libical() {
    static const Libical loaded = load_shared_library<Libical>(
        "libical.so.3", "iCalendar library", "libical3", [](Libical& ical, const auto& resolve) {
#define SVCMGR_LIBICAL_LOAD(name) resolve(ical.name, #name);
            SVCMGR_LIBICAL_FUNCTIONS(SVCMGR_LIBICAL_LOAD)
#undef SVCMGR_LIBICAL_LOAD
        });
    return loaded;
}

} // namespace svcmgr::ical
