#pragma once

// The libical functions the holiday import calls, as one list: it declares the table of function
// pointers and drives the loader that fills it at run time. libical pulls in ICU, tens of
// megabytes that every other command would pay for at start-up, so it is loaded only when an
// iCalendar file is read (as libpq is only for a PostgreSQL database).

#include <libical/ical.h>

namespace svcmgr::ical {

// Every libical function svcmgr calls. X(name) is applied to each one.
#define SVCMGR_LIBICAL_FUNCTIONS(X)                                                                \
    X(icalerror_set_errors_are_fatal)                                                              \
    X(icalparser_parse_string)                                                                     \
    X(icalcomponent_isa)                                                                           \
    X(icalcomponent_free)                                                                          \
    X(icalcomponent_get_first_component)                                                           \
    X(icalcomponent_get_next_component)                                                            \
    X(icalcomponent_get_first_property)                                                            \
    X(icalproperty_get_xlicerror)                                                                  \
    X(icalcomponent_get_uid)                                                                       \
    X(icalcomponent_get_summary)                                                                   \
    X(icalcomponent_get_dtstart)                                                                   \
    X(icalcomponent_get_dtend)                                                                     \
    X(icaltime_is_null_time)                                                                       \
    X(icaltime_is_valid_time)                                                                      \
    X(icaltime_null_time)                                                                          \
    X(icaltime_as_timet_with_zone)                                                                 \
    X(icaltimezone_get_utc_timezone)                                                               \
    X(icalproperty_get_rrule)                                                                      \
    X(icalrecur_iterator_new)                                                                      \
    X(icalrecur_iterator_next)                                                                     \
    X(icalrecur_iterator_free)

// The functions of SVCMGR_LIBICAL_FUNCTIONS, each a member of its own name.
struct Libical {
#define SVCMGR_LIBICAL_POINTER(name) decltype(&::name) name = nullptr;
    SVCMGR_LIBICAL_FUNCTIONS(SVCMGR_LIBICAL_POINTER)
#undef SVCMGR_LIBICAL_POINTER
};

// libical, loaded from libical.so.3 on the first call. A library that cannot be opened, or lacks
// a function, is Error(config) with a hint to install libical3.
const Libical& libical();

} // namespace svcmgr::ical
