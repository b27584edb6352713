#include "ccaas/util/time_text.hpp"

#include <ctime>

namespace ccaas {

std::string utc_text(std::int64_t epoch, bool seconds)
{
  const std::time_t t = static_cast<std::time_t>(epoch);
  struct tm tm = {};
  gmtime_r(&t, &tm);
  char text[32] = {};
  std::strftime(text, sizeof text, seconds ? "%Y-%m-%d %H:%M:%S UTC" : "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

} // namespace ccaas
