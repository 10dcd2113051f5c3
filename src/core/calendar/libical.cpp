#include "calendar/libical.hpp"

#include <svcmgr/error.hpp>

#include <fmt/format.h>

#include <dlfcn.h>
#include <type_traits>

namespace svcmgr::ical {

namespace {

Libical load(const char* soname) {
    void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        throw Error(ErrorKind::config,
                    fmt::format("cannot load the iCalendar library: {}", ::dlerror()),
                    "install libical3 (apt-get install libical3)");
    }
    Libical ical;
    bool complete = true;
    const auto resolve = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
        complete = complete && fn != nullptr;
    };
#define SVCMGR_LIBICAL_LOAD(name) resolve(ical.name, #name);
    SVCMGR_LIBICAL_FUNCTIONS(SVCMGR_LIBICAL_LOAD)
#undef SVCMGR_LIBICAL_LOAD
    if (!complete) {
        ::dlclose(lib);
        throw Error(ErrorKind::config, fmt::format("the iCalendar library {} is too old", soname),
                    "install a current libical3");
    }
    return ical;
}

} // namespace

const Libical& libical() {
    static const Libical loaded = load("libical.so.3");
    return loaded;
}

} // namespace svcmgr::ical
