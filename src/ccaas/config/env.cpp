#include "ccaas/config/env.hpp"

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

} // namespace ccaas::config
