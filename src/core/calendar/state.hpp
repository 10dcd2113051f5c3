#pragma once

// What calendar.cpp and ics.cpp share: a calendar's state as the audit trail records it.

#include <svcmgr/calendar.hpp>

#include "audit/log.hpp"

#include <string>

namespace svcmgr {

// {"name", "tz", "hours": [{"from", "hours"}], "holidays": [{"date", "name", "uid"}]}.
Json calendar_state(const CalendarDef& def);

} // namespace svcmgr
