#pragma once

#include "ccaas/contract/peer_config.hpp"
#include "ccaas/probe/probe.hpp"
#include "ccaas/steps/context.hpp"
#include "ccaas/util/json_read.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// `run --doctor`: the whole peer, as the peer would use it: its configuration, its builders, the
// variables it passes them, what becomes of a package no builder claims, and every installed
// chaincode's durable build, each probed (all at once, within one dial timeout). It reads and
// probes; it writes nothing.
namespace ccaas::steps {

enum class Severity { ok, warning, error };
const char* severity_name(Severity severity);

struct Finding {
  Severity severity = Severity::ok;
  std::string group;   // "configuration", "builders", or "chaincode <package ID>"
  std::string subject; // what it is about: a file, a variable, a builder, a build
  std::string message;
  std::string hint; // the fix, when there is one
};

struct BuilderInfo {
  std::string name;
  std::string path;
  std::vector<std::string> propagate;
  bool ours = false;         // this very builder
  bool claims_ccaas = false; // detects ccaas packages (ours, or Fabric's ccaas_builder)
  bool usable = false;       // bin/detect and bin/build there and executable
  bool has_run = false;
};

struct BuildInfo {
  std::filesystem::path directory;
  std::optional<std::string> package_id;
  std::string builder_name;             // from build-info.json
  bool release_connection = false;      // release/chaincode/server/connection.json is there
  std::optional<json::Json> connection; // as the peer reads it, redacted
  std::optional<probe::ProbeReport> report;
};

struct DoctorInput {
  std::optional<std::filesystem::path> config_dir; // --config
  std::filesystem::path our_builder_dir;           // the directory that holds this bin/
  contract::EnvLookup env;                         // the peer's environment
};

struct DoctorReport {
  contract::PeerConfig config;
  std::vector<BuilderInfo> builders;
  std::vector<BuildInfo> builds;
  std::vector<Finding> findings;
  bool ok = true; // no finding is an error
  Outcome outcome = Outcome::ok;
};

DoctorReport doctor(const DoctorInput& input, Context& context);

} // namespace ccaas::steps
