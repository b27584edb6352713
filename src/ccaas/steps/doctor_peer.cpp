#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>

// The peer's configuration, its builders, the variables it passes them, and what becomes of a
// package no builder claims.
namespace ccaas::steps::doctor_checks {

namespace {

// Builder programs' problems: the fix for each cause program_problem names.
std::string fix_for(const std::string& problem, const std::string& builder_path)
{
  if (problem.find("line ends in a carriage return") != std::string::npos) {
    return "convert the programs' line endings to LF (dos2unix, or sed -i 's/\\r$//' FILE), and keep them so "
           "(.gitattributes: * text eol=lf)";
  }
  if (problem.find("'s interpreter ") != std::string::npos
      || problem.find("is not on the PATH the peer passes") != std::string::npos) {
    return "use an interpreter the peer's image has (#!/bin/sh, and POSIX sh only), or a static program";
  }
  if (problem.find("on a file system mounted noexec") != std::string::npos) {
    return "mount the builder's volume without noexec, or copy the builder into a volume that allows execution";
  }
  if (problem.find(" is a program for ") != std::string::npos) {
    return "install the builder built for this peer's machine";
  }
  if (problem.find("'s dynamic loader ") != std::string::npos) {
    return "use a statically linked build of the builder";
  }
  if (problem.find(" is not executable (mode ") != std::string::npos) {
    return "chmod 0755 the programs under " + builder_path + "/bin";
  }
  return "mount the builder at " + builder_path + " with its bin/detect, bin/build and bin/release";
}

} // namespace

fs::path canonical_or_self(const fs::path& path)
{
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  return ec ? path.lexically_normal() : resolved;
}

void check_configuration(const contract::PeerConfig& config, const DoctorInput& input, Findings& findings)
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
  // viper ignores a variable set to "" (Fabric never calls AllowEmptyEnv): such a variable
  // changes nothing, whatever its author meant.
  for (const auto& [name, value] : input.peer.environ) {
    if (value.empty() && name.rfind("CORE_", 0) == 0) {
      findings.add(Severity::warning,
                   k_configuration,
                   name,
                   "is set but empty: the peer ignores an empty variable, so core.yaml's value (or the default) "
                   "applies",
                   "unset " + name + ", and put the value in core.yaml");
    }
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
    BuilderInfo info;
    info.name = entry.name;
    info.path = entry.path;
    info.propagate = entry.propagate;
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
    const file::InRoot in_root = input.peer.root.open(dir);
    info.ours = input.outside ? is_ccaas_builder(input, dir) : canonical_or_self(dir) == ours;
    info.has_run = program_problem(input, dir / "bin" / "run").empty();
    info.claims_ccaas = info.ours && !input.outside; // the others: find_claims runs their detect
    struct stat st = {};
    const auto present = [&](const char* name) {
      return input.peer.root.open(dir / name, 0, file::Last::nofollow).ok();
    };
    if (!in_root.stat(st) || !S_ISDIR(st.st_mode)) {
      info.cannot_start = entry.path + " is not a directory";
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   entry.path
                     + " is not a directory here: its detect fails, the peer logs that only at DEBUG, and "
                       "a package it should claim falls through to the next builder, then Docker",
                   "mount the builder at " + entry.path + ", or correct path in " + from);
    } else if (!present("bin") && present("detect")) {
      info.cannot_start = entry.path + " is the builder's bin/ folder";
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   "path " + entry.path + " is the builder's bin/ folder (it holds detect itself): the peer runs "
                     + (dir / "bin" / "detect").string()
                     + ", which is not there, logs that only at DEBUG, and hands every package to the next builder, "
                       "then Docker",
                   "set path to " + dir.parent_path().string() + ", the folder that holds bin/, in " + from);
    } else if (!present("bin")) {
      info.cannot_start = entry.path + " holds no bin/";
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   entry.path + " holds no bin/ folder: the peer runs " + (dir / "bin" / "detect").string()
                     + ", which is not there, logs that only at DEBUG, and hands every package to the next builder, "
                       "then Docker",
                   "mount the builder so that " + entry.path + "/bin/detect is its detect, or correct path in " + from);
    } else {
      std::vector<std::string> problems;
      for (const char* program : {"detect", "build"}) {
        if (std::string problem = program_problem(input, dir / "bin" / program); !problem.empty()) {
          problems.push_back(std::move(problem));
        }
      }
      info.usable = problems.empty();
      const fs::path release = dir / "bin" / "release";
      const std::string release_problem = present("bin/release") ? program_problem(input, release) : "";
      if (!problems.empty()) {
        info.cannot_start = problems.front();
        findings.add(Severity::error,
                     k_builders,
                     subject,
                     join(problems, "; ")
                       + ": its detect fails, the peer logs that only at DEBUG, and hands the package to the next "
                         "builder, then Docker",
                     fix_for(problems.front(), entry.path));
      } else if (!release_problem.empty()) {
        findings.add(Severity::error,
                     k_builders,
                     subject,
                     release_problem
                       + ": the peer skips bin/release without a word, and no chaincode server "
                         "connection is ever published",
                     fix_for(release_problem, entry.path));
      } else {
        findings.add(Severity::ok,
                     k_builders,
                     subject,
                     std::string("bin/detect and bin/build executable")
                       + (info.ours ? (input.outside ? " (a ccaas-builder)" : " (this builder)") : ""));
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
                 bool claims_known,
                 Findings& findings)
{
  const fs::path ours = canonical_or_self(input.our_builder_dir);
  const std::string from = config.builders_source;
  const auto our = find_ours(builders);
  const auto first_ccaas =
    std::find_if(builders.begin(), builders.end(), [](const BuilderInfo& b) { return b.claims_ccaas && b.usable; });
  if (input.outside) {
    // A stock peer: its own builders are judged, none is required to be ours.
    if (first_ccaas != builders.end()) {
      findings.add(Severity::ok,
                   k_builders,
                   "ccaas packages",
                   "go to " + first_ccaas->name + " (its bin/detect exits 0 for one"
                     + (first_ccaas->ours && !first_ccaas->detect_ran ? "" : ", run in the peer's root") + ")");
    } else if (claims_known) {
      std::vector<std::string> said;
      for (const BuilderInfo& b : builders) {
        if (!b.said_to_minimal.empty()) {
          said.push_back(b.name + ": \"" + b.said_to_minimal + "\"");
        }
      }
      findings.add(Severity::error,
                   k_builders,
                   "ccaas packages",
                   "no builder claims one: " + fallback_words(config, input, "ccaas")
                     + (builders.empty() ? "" : " (the peer logs each failed detect only at DEBUG)")
                     + declined_words(said),
                   "list a working ccaas builder under chaincode.externalBuilders (Fabric's images have one at "
                   "/opt/hyperledger/ccaas_builder), and fix the builder problems above");
    }
    return;
  }
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

} // namespace ccaas::steps::doctor_checks
