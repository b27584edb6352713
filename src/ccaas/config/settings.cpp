#include "ccaas/config/settings.hpp"

#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"

#include <algorithm>
#include <cstdlib>

namespace ccaas::config {

namespace {

std::optional<std::string> value_of(const EnvVar& var, const Lookup& lookup)
{
  auto value = lookup(var.name);
  if (!value && var.default_value != nullptr) {
    return std::string(var.default_value);
  }
  return value;
}

ProbePolicy parse_probe(const std::string& value)
{
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

std::int64_t parse_dial_timeout(const std::string& value)
{
  const duration::DurationResult parsed = duration::parse_go_duration(value);
  if (!parsed.nanos) {
    throw Failure(std::string(k_dial_timeout.name) + ": " + parsed.error);
  }
  if (*parsed.nanos < duration::k_nanos_per_ms) {
    throw Failure(std::string(k_dial_timeout.name) + ": \"" + value + "\" must be at least 1ms");
  }
  return *parsed.nanos;
}

PackageTypes parse_types(const std::string& value)
{
  PackageTypes types{false, false};
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t comma = std::min(value.find(',', start), value.size());
    std::string name = value.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    for (char& c : name) {
      c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (name == "ccaas") {
      types.ccaas = true;
    } else if (name == "external") {
      types.external = true;
    } else {
      throw Failure(std::string(k_types.name) + ": \"" + value + "\": \"" + name
                    + "\" is not a type this builder claims (ccaas, external; comma-separated)");
    }
    start = comma + 1;
  }
  return types;
}

} // namespace

std::optional<std::string> environment(const char* name)
{
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

Settings load_settings(const std::vector<const EnvVar*>& variables, const Lookup& lookup)
{
  Settings settings;
  for (const EnvVar* var : variables) {
    const auto value = value_of(*var, lookup);
    if (var == &k_builder_config) {
      settings.template_data = TemplateData::from_env_value(value);
    } else if (var == &k_dial_timeout && value) {
      settings.dial_timeout = parse_dial_timeout(*value);
      settings.dial_timeout_text = value;
    } else if (var == &k_probe && value) {
      settings.probe = parse_probe(*value);
    } else if (var == &k_types && value) {
      settings.types = parse_types(*value);
    }
  }
  return settings;
}

} // namespace ccaas::config
