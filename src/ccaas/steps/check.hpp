#pragma once

#include "ccaas/config/settings.hpp"
#include "ccaas/config/template.hpp"
#include "ccaas/probe/probe.hpp"
#include "ccaas/steps/context.hpp"
#include "ccaas/util/json_read.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace ccaas::steps {

struct CheckInput {
  // A package file (.tar.gz as `peer lifecycle chaincode install` takes it), an unpacked package
  // directory (metadata.json plus code.tar.gz or its contents), or a peer's durable build
  // directory (.../externalbuilder/builds/<id>).
  std::filesystem::path path;
  std::optional<std::string> ccid;                      // --ccid: overrides the expected chaincode ID
  std::optional<std::int64_t> dial_timeout;             // --dial-timeout, nanoseconds
  config::TemplateData template_data;                   // CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG
  config::PackageTypes types;                           // CCAAS_BUILDER_TYPES
  std::optional<std::string> default_dial_timeout_text; // CCAAS_BUILDER_DIAL_TIMEOUT, as build takes it
  std::optional<std::int64_t> default_dial_timeout;     // the same, nanoseconds
};

struct CheckResult {
  std::string kind;                      // "package file", "package directory", "durable build"
  std::optional<std::string> package_id; // from the file's hash or the durable directory's name
  std::optional<json::Json> connection;  // the resolved connection.json, redacted
  probe::ProbeReport report;             // failed_stage config when the package itself is wrong
  Outcome outcome = Outcome::failed;     // ok when the peer could launch the chaincode
};

// What the peer would get: the same detect/build/release logic in a temporary directory, then
// the probe. Problems with the package end in failed_stage config, with every line reported;
// build's and release's own info lines are not (the check's report says what matters).
CheckResult check(const CheckInput& input, Context& context);

} // namespace ccaas::steps
