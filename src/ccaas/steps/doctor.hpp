#pragma once

#include "ccaas/contract/peer_config.hpp"
#include "ccaas/probe/probe.hpp"
#include "ccaas/steps/context.hpp"
#include "ccaas/util/json_read.hpp"
#include "ccaas/util/process_view.hpp"

#include <array>
#include <cstdint>
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
  std::string hint;         // the fix, when there is one
  bool own_trouble = false; // a warning that a check could not run, for a reason of the doctor's own
};

struct BuilderInfo {
  std::string name;
  std::string path;
  std::vector<std::string> propagate;
  bool ours = false;         // this very builder (from outside: a ccaas-builder the peer has)
  bool claims_ccaas = false; // its bin/detect exits 0 for a ccaas package (ours: always)
  bool detect_ran = false;   // claims_ccaas was found by running its bin/detect (the builders before ours)
  bool usable = false;       // bin/detect and bin/build there and executable
  bool has_run = false;
  std::string cannot_start; // why the peer cannot start its bin/detect, when the files say so
  // Its detect's runs: how many, and how many failed before deciding anything (a shell error).
  int detect_runs = 0;
  int detect_shell_errors = 0;
  std::string detect_stderr; // the first line such a run wrote to stderr
  int detect_code = 0;
  std::string said_to_minimal; // the last line its detect wrote to stderr when it declined a ccaas package
};

// A package the peer keeps installed: <peer.fileSystemPath>/lifecycle/chaincodes/<label>.<hash>.tar.gz
// (core/chaincode/persistence/persistence.go), which it builds again when its durable build is gone.
struct InstalledPackage {
  std::filesystem::path file;
  std::string package_id;
  std::optional<std::string> type; // metadata.json's type; empty when the package could not be read
  std::string claimed_by;          // the first builder whose detect exits 0 for it; "" when none is known
  std::string not_laid_out;        // why the doctor could not lay it out for detect (then claimed_by is not known)
  std::vector<std::string> said;   // "builder: \"line\"": what each detect that declined it said last on stderr
};

struct BuildInfo {
  std::filesystem::path directory;
  std::optional<std::string> package_id;
  std::string builder_name;        // from build-info.json
  std::optional<std::string> type; // the installed package's type, when it is installed
  bool release_connection = false; // release/chaincode/server/connection.json is there
  bool dialled = false;            // the peer dials this build's server at its next launch, so the doctor probes it
  std::optional<json::Json> connection;              // as the peer reads it, redacted
  std::optional<std::int64_t> client_cert_not_after; // the certificate the peer presents, when it presents one
  std::optional<probe::ProbeReport> report;
};

struct DoctorInput {
  std::optional<std::filesystem::path> config_dir; // --config, a path of the peer's
  std::filesystem::path our_builder_dir;           // the directory that holds this bin/
  contract::EnvLookup env;                         // the peer's environment, as viper reads it
  // The peer process: its root, every variable of its environment, its user and its mounts.
  // This process's own, unless --pid names another (outside).
  process::ProcessView peer;
  bool outside = false;
};

// The peer's environment as viper reads it: a variable set to "" is not set (Fabric never calls
// AllowEmptyEnv), as for os.Getenv("FABRIC_CFG_PATH") != "".
contract::EnvLookup viper_environment(const std::map<std::string, std::string>& environ);

struct DoctorReport {
  contract::PeerConfig config;
  std::vector<BuilderInfo> builders;
  std::vector<InstalledPackage> packages;
  std::vector<BuildInfo> builds;
  std::vector<Finding> findings;
  bool ok = true;         // no finding is an error
  bool unchecked = false; // a finding is own_trouble: a check could not run (no scratch space)
  bool claims_run = true; // every builder's detect that was needed ran (else judged from its files)
  Outcome outcome = Outcome::ok;
};

DoctorReport doctor(const DoctorInput& input, Context& context);

// How many findings of each severity, indexed by Severity: the doctor's closing count and its series.
std::array<int, 3> severity_counts(const std::vector<Finding>& findings);

} // namespace ccaas::steps
