#pragma once

#include "ccaas/config/template.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Every environment variable the builder reads, declared here and read once, into typed
// settings. The peer passes a builder only the variables listed under its propagateEnvironment
// (plus PATH, TMPDIR, LD_LIBRARY_PATH, LIBPATH), so each must be listed there to take effect.
namespace ccaas::config {

struct EnvVar {
  const char* name;
  const char* default_value; // nullptr: unset by default
  const char* description;   // for --help
};

inline constexpr EnvVar k_builder_config{
  "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG",
  nullptr,
  "a JSON object whose keys connection.json's templates use: {{.key}}, as with Fabric's ccaas_builder"};

inline constexpr EnvVar k_dial_timeout{
  "CCAAS_BUILDER_DIAL_TIMEOUT",
  nullptr,
  "a Go duration (10s) written as dial_timeout when a package has none, and the probe's timeout for a build "
  "without one"};

inline constexpr EnvVar k_probe{
  "CCAAS_BUILDER_PROBE",
  "warn",
  "what release does with the reachability probe: off, warn (report, install anyway) or require (fail the install)"};

inline constexpr EnvVar k_types{
  "CCAAS_BUILDER_TYPES",
  "ccaas",
  "the package types this builder claims, comma-separated: ccaas (Fabric's ccaas_builder packages), external "
  "(fabric-samples' sampleBuilder packages: indexes under metadata/)"};

enum class ProbePolicy { off, warn, require };

// The metadata.json types this builder claims, in any case.
struct PackageTypes {
  bool ccaas = true;
  bool external = false;
};

struct Settings {
  TemplateData template_data;                   // CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG
  std::optional<std::string> dial_timeout_text; // CCAAS_BUILDER_DIAL_TIMEOUT as written
  std::optional<std::int64_t> dial_timeout;     // the same, nanoseconds
  ProbePolicy probe = ProbePolicy::warn;        // CCAAS_BUILDER_PROBE
  PackageTypes types;                           // CCAAS_BUILDER_TYPES
};

// A variable's value; empty optional when it is unset or set to "".
using Lookup = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> environment(const char* name);

// Reads the variables a step uses, each once, with the same checks for every step: throws
// Failure naming the variable for a value that is not valid. The others keep their defaults.
Settings load_settings(const std::vector<const EnvVar*>& variables, const Lookup& lookup = environment);

} // namespace ccaas::config
