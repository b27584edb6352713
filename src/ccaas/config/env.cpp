#include "ccaas/config/env.hpp"

#include "ccaas/contract/duration.hpp"
#include "ccaas/util/error.hpp"

#include <cstdlib>

namespace ccaas::config {

std::optional<std::string> get(const EnvVar& var)
{
  const char* value = std::getenv(var.name);
  if (value == nullptr || *value == '\0') {
    if (var.default_value != nullptr) {
      return std::string(var.default_value);
    }
    return std::nullopt;
  }
  return std::string(value);
}

std::optional<std::int64_t> default_dial_timeout_ns()
{
  const auto value = get(k_dial_timeout);
  if (!value) {
    return std::nullopt;
  }
  const contract::DurationResult parsed = contract::parse_go_duration(*value);
  if (!parsed.nanos || *parsed.nanos < contract::k_nanos_per_ms) {
    throw Failure(std::string(k_dial_timeout.name) + ": " + (parsed.nanos ? "must be at least 1ms" : parsed.error));
  }
  return parsed.nanos;
}

ProbePolicy probe_policy()
{
  const std::string value = *get(k_probe);
  if (value == "off") {
    return ProbePolicy::off;
  }
  if (value == "warn") {
    return ProbePolicy::warn;
  }
  if (value == "require") {
    return ProbePolicy::require;
  }
  throw Failure(std::string(k_probe.name) + ": \"" + value + "\" is not one of off, warn, require");
}

} // namespace ccaas::config
