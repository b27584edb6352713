#include "ccaas/config/env.hpp"

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
