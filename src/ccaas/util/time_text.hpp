#pragma once

#include <cstdint>
#include <string>

namespace ccaas {

// "2026-12-01 19:18 UTC" (or with ":47" seconds) for seconds since the epoch.
std::string utc_text(std::int64_t epoch, bool seconds = false);

} // namespace ccaas
