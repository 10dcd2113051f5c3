#pragma once

// What calendar.cpp and ics.cpp share: a calendar's state as the audit trail records it, and the
// key a holiday is stored under.

#include <svcmgr/calendar.hpp>

#include "audit/log.hpp"

#include <string>

namespace svcmgr {

// {"name", "tz", "hours": [{"from", "hours"}], "holidays": [{"date", "name", "uid"}]}.
Json calendar_state(const CalendarDef& def);

// "2026-12-24", or "12-24" for a yearly holiday.
std::string holiday_date(const Holiday& h);

} // namespace svcmgr
