#include "ccaas/steps/doctor_checks.hpp"

// Builder set-up failures that no program file shows: a detect that fails in its own shell on
// every package (dash's "Illegal option -o pipefail"), and CORE_... variables for builders that
// the peer's viper never reads.
namespace ccaas::steps::doctor_checks {

void check_ignored_variables(const DoctorInput& input, bool ccaas_unclaimed, Findings& findings)
{
  // viper maps a key to one variable (CORE_ + the key's path, dots as underscores); a list is
  // one value, so there is no variable per entry or field.
  for (const auto& [name, value] : input.peer.environ) {
    const bool builders_key =
      name.rfind("CORE_CHAINCODE_EXTERNALBUILDERS_", 0) == 0 || name.rfind("CORE_PEER_EXTERNALBUILDERS", 0) == 0
      || name.rfind("CORE_CHAINCODE_EXTERNALBUILDER_", 0) == 0 || name == "CORE_CHAINCODE_EXTERNALBUILDER";
    if (!builders_key) {
      continue;
    }
    findings.add(ccaas_unclaimed ? Severity::error : Severity::warning,
                 k_configuration,
                 name,
                 "the peer never reads it: its externalBuilders key is chaincode.externalBuilders, a whole list, "
                 "set by CORE_CHAINCODE_EXTERNALBUILDERS alone",
                 "CORE_CHAINCODE_EXTERNALBUILDERS='[{name: ccaas-builder, path: /opt/ccaas-builder, "
                 "propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]' (the whole list, as YAML), or "
                 "the list in core.yaml");
  }
}

void report_broken_detects(const std::vector<BuilderInfo>& builders, bool ccaas_unclaimed, Findings& findings)
{
  for (const BuilderInfo& b : builders) {
    if (b.detect_runs == 0 || b.detect_shell_errors != b.detect_runs) {
      continue;
    }
    findings.add(ccaas_unclaimed ? Severity::error : Severity::warning,
                 k_builders,
                 "builder " + b.name,
                 "bin/detect fails before it decides, on every package (" + std::to_string(b.detect_runs)
                   + " run(s), exit " + std::to_string(b.detect_code) + "): \"" + b.detect_stderr
                   + "\": it never claims a package, and the peer logs that only at DEBUG",
                 b.detect_stderr.find("Illegal option") != std::string::npos
                     || b.detect_stderr.find("not found") != std::string::npos
                     || b.detect_stderr.find("Syntax error") != std::string::npos
                     || b.detect_stderr.find("Bad substitution") != std::string::npos
                   ? "the image's /bin/sh is not bash (Debian and Ubuntu: dash; Alpine: busybox): write POSIX sh "
                     "(no set -o pipefail, [[ ]] or arrays), or start it with #!/bin/bash where bash is installed"
                   : "run it by hand in the peer's container with the same arguments, and fix what it says");
  }
}

} // namespace ccaas::steps::doctor_checks
