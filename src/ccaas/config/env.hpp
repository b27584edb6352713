#pragma once

#include <cstdint>
#include <optional>
#include <string>

// Every environment variable the builder reads, in one place. The peer passes a builder only the
// variables listed under its propagateEnvironment (plus PATH, TMPDIR, LD_LIBRARY_PATH, LIBPATH),
// so each of these must be listed there to take effect.
namespace ccaas::config {

struct EnvVar {
  const char* name;
  const char* default_value; // nullptr: unset by default
  const char* description;
};

inline constexpr EnvVar k_builder_config{
  "CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG",
  nullptr,
  "JSON object whose keys connection.json templates use: {{.key}} (Fabric's ccaas_builder does the same)"};

inline constexpr EnvVar k_dial_timeout{
  "CCAAS_BUILDER_DIAL_TIMEOUT",
  nullptr,
  "Go duration written as dial_timeout when a package has none (otherwise the peer's default, 3s)"};

inline constexpr EnvVar k_probe{
  "CCAAS_BUILDER_PROBE",
  "warn",
  "what release does with the reachability probe: off, warn (report, install succeeds) or require (fail the install)"};

enum class ProbePolicy { off, warn, require };

// CCAAS_BUILDER_PROBE; throws Failure naming the variable for any other value.
ProbePolicy probe_policy();

// CCAAS_BUILDER_DIAL_TIMEOUT in nanoseconds, for a connection that sets no dial_timeout; empty
// when unset. Throws Failure naming the variable when it is not a Go duration of at least 1ms.
std::optional<std::int64_t> default_dial_timeout_ns();

// The variable's value; empty optional when it is unset or set to "".
std::optional<std::string> get(const EnvVar& var);

} // namespace ccaas::config
