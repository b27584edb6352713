#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>

// The peer's configuration, its builders, the variables it passes them, and what becomes of a
// package no builder claims.
namespace ccaas::steps::doctor_checks {

namespace {

bool docker_answers(const std::string& endpoint)
{
  constexpr std::string_view k_unix = "unix://";
  if (endpoint.rfind(k_unix, 0) != 0) {
    return false;
  }
  const std::string path = endpoint.substr(k_unix.size());
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) {
    return false;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  const UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return fd.get() >= 0 && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

} // namespace

bool executable(const fs::path& path)
{
  struct stat st = {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

fs::path canonical_or_self(const fs::path& path)
{
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  return ec ? path.lexically_normal() : resolved;
}

void check_configuration(const contract::PeerConfig& config, Findings& findings)
{
  if (config.core_yaml_found) {
    findings.add(Severity::ok, k_configuration, config.core_yaml.string(), "read");
  } else {
    findings.add(Severity::warning,
                 k_configuration,
                 config.core_yaml.string(),
                 "not found: the peer reads its configuration from here (--config, FABRIC_CFG_PATH or "
                 "/etc/hyperledger/fabric), so only the CORE_... environment and the defaults were applied",
                 "run the doctor with --config DIR, the directory that holds the peer's core.yaml");
  }
  for (const std::string& name : config.overrides) {
    findings.add(Severity::ok,
                 k_configuration,
                 name,
                 name == "CORE_CHAINCODE_EXTERNALBUILDERS" ? "replaces core.yaml's whole externalBuilders list"
                                                           : "overrides core.yaml");
  }
  for (const std::string& problem : config.problems) {
    findings.add(Severity::error, k_configuration, "core.yaml", problem, "write a Go duration such as \"300s\"");
  }
  findings.add(Severity::ok,
               k_configuration,
               "chaincode.startuptimeout",
               duration::format_go_duration(config.startup_timeout)
                 + ": a launch that has not registered by then fails with "
                   "\"timeout expired while starting chaincode\"");
}

std::vector<BuilderInfo> check_builders(const contract::PeerConfig& config,
                                        const DoctorInput& input,
                                        Findings& findings)
{
  std::vector<BuilderInfo> builders;
  const fs::path ours = canonical_or_self(input.our_builder_dir);
  std::set<std::string> names;
  const std::string from = config.builders_source;
  for (const contract::ExternalBuilder& entry : config.builders) {
    BuilderInfo info{entry.name, entry.path, entry.propagate};
    const std::string subject = "builder " + (entry.name.empty() ? std::string("(no name)") : entry.name);
    if (entry.path.empty()) {
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   "has no path: the peer does not start (\"path attribute missing in one or more builders\")",
                   "give every entry of externalBuilders (" + from + ") a path");
      builders.push_back(info);
      continue;
    }
    if (entry.name.empty()) {
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   "at " + entry.path + " has no name: the peer does not start",
                   "give every entry of externalBuilders (" + from + ") a name");
    } else if (!names.insert(entry.name).second) {
      findings.add(Severity::warning,
                   k_builders,
                   subject,
                   "is listed twice: a build made by it is restored with the first of that name",
                   "give each builder its own name");
    }
    const fs::path dir(entry.path);
    info.ours = canonical_or_self(dir) == ours;
    info.usable = executable(dir / "bin" / "detect") && executable(dir / "bin" / "build");
    info.has_run = executable(dir / "bin" / "run");
    info.claims_ccaas = info.ours; // the others: find_claims runs their detect
    struct stat st = {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   entry.path
                     + " is not a directory here: its detect fails, the peer logs that only at DEBUG, and "
                       "a package it should claim falls through to the next builder, then Docker",
                   "mount the builder at " + entry.path + ", or correct path in " + from);
    } else if (!info.usable) {
      std::vector<std::string> missing;
      for (const char* program : {"detect", "build"}) {
        if (!executable(dir / "bin" / program)) {
          missing.push_back(std::string("bin/") + program);
        }
      }
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   join(missing, " and ") + " under " + entry.path
                     + " missing or not executable by this user: the peer skips the builder silently",
                   "chmod 0755 the programs, and check that the volume is not mounted noexec");
    } else {
      std::string note = "bin/detect and bin/build executable";
      const fs::path release = dir / "bin" / "release";
      if (file::exists_nofollow(release) && !executable(release)) {
        findings.add(Severity::error,
                     k_builders,
                     subject,
                     "bin/release is not executable: the peer skips it without a word, and no chaincode server "
                     "connection is ever published",
                     "chmod 0755 " + release.string());
      } else {
        findings.add(Severity::ok, k_builders, subject, note + (info.ours ? " (this builder)" : ""));
      }
    }
    if (entry.uses_whitelist) {
      findings.add(Severity::warning,
                   k_builders,
                   subject,
                   "uses the deprecated environmentWhitelist",
                   "rename it propagateEnvironment");
    }
    builders.push_back(std::move(info));
  }

  const auto our = find_ours(builders);
  if (our != builders.end()) {
    for (const config::EnvVar* var : k_our_variables) {
      const bool listed = std::find(our->propagate.begin(), our->propagate.end(), var->name) != our->propagate.end();
      const auto value = input.env(var->name);
      const std::string subject = var->name;
      if (value && !listed) {
        findings.add(Severity::warning,
                     k_builders,
                     subject,
                     "is set in the peer's environment but not listed under " + our->name
                       + "'s propagateEnvironment: the builder never sees it",
                     "add " + subject + " to propagateEnvironment of " + our->name);
        continue;
      }
      if (!listed) {
        continue;
      }
      if (!value) {
        findings.add(Severity::ok,
                     k_builders,
                     subject,
                     std::string("listed, not set")
                       + (var->default_value ? " (default " + std::string(var->default_value) + ")" : ""));
        continue;
      }
      try {
        config::load_settings({var}, input.env);
        findings.add(Severity::ok, k_builders, subject, "listed, set and valid");
      } catch (const Failure& e) {
        findings.add(Severity::error, k_builders, subject, e.what(), "every install fails until it is fixed");
      }
    }
  }
  if (builders.empty() && config.vm_endpoint.empty()) {
    findings.add(Severity::error,
                 k_builders,
                 "externalBuilders",
                 "none, and vm.endpoint is empty: the peer does not start (\"VMEndpoint not set and no "
                 "ExternalBuilders defined\")",
                 "list ccaas-builder under chaincode.externalBuilders");
  }
  return builders;
}

void check_order(const contract::PeerConfig& config,
                 const std::vector<BuilderInfo>& builders,
                 const DoctorInput& input,
                 Findings& findings)
{
  const fs::path ours = canonical_or_self(input.our_builder_dir);
  const std::string from = config.builders_source;
  const auto our = find_ours(builders);
  const auto first_ccaas =
    std::find_if(builders.begin(), builders.end(), [](const BuilderInfo& b) { return b.claims_ccaas && b.usable; });
  if (our == builders.end()) {
    const std::string goes =
      first_ccaas != builders.end() ? "to " + first_ccaas->name : std::string("to no builder, so to Docker");
    findings.add(Severity::error,
                 k_builders,
                 "ccaas-builder",
                 "this builder (" + ours.string() + ") is not in the peer's externalBuilders (" + from
                   + "): ccaas packages go " + goes,
                 from == "CORE_CHAINCODE_EXTERNALBUILDERS"
                   ? "CORE_CHAINCODE_EXTERNALBUILDERS replaces core.yaml's list: list this builder in it, first"
                   : "list this builder in chaincode.externalBuilders, first");
  } else if (first_ccaas != builders.end() && first_ccaas < our) {
    findings.add(Severity::error,
                 k_builders,
                 "builder " + first_ccaas->name,
                 "is listed before ccaas-builder and claims ccaas packages (its bin/detect exits 0 for one): the peer "
                 "builds every new ccaas package with it, and ours never sees one",
                 "list " + our->name + " before " + first_ccaas->name
                   + " (keep Fabric's after it, for its own old builds)");
  }
}

void check_fallback(const contract::PeerConfig& config, Findings& findings)
{
  if (config.vm_endpoint.empty()) {
    findings.add(Severity::ok,
                 k_builders,
                 "vm.endpoint",
                 "empty: a package no builder claims fails to install with \"docker build is disabled\"");
  } else if (docker_answers(config.vm_endpoint)) {
    findings.add(Severity::ok,
                 k_builders,
                 "vm.endpoint",
                 config.vm_endpoint
                   + " answers: a package no builder claims is built by Docker, and a ccaas one fails "
                     "there with \"Unknown chaincodeType: CCAAS\"");
  } else {
    findings.add(Severity::warning,
                 k_builders,
                 "vm.endpoint",
                 config.vm_endpoint
                   + " does not answer: a package no builder claims fails to install with a "
                     "Docker error (docker.sock), which hides that no builder claimed it",
                 "leave vm.endpoint empty (CORE_VM_ENDPOINT=\"\") so that such a failure says \"docker build is "
                 "disabled\"");
  }
}

} // namespace ccaas::steps::doctor_checks
