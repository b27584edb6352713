#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/steps/doctor_runner.hpp"
#include "ccaas/steps/package_layout.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/spawn.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>

// Which builder claims which package, found the way the peer finds it: it runs each builder's
// bin/detect in list order and the first that exits 0 builds the package
// (core/container/externalbuilder/externalbuilder.go, Detector.detect); names and paths tell
// nothing. The installed packages themselves are read from the peer's package store.
namespace ccaas::steps::doctor_checks {

namespace {

// A detect that failed before deciding: the shell's own exit codes (2: a usage or syntax error in
// dash and bash, 126: cannot execute, 127: not found) with something on stderr.
bool shell_error(const spawn::Exit& exit)
{
  return exit.started && !exit.timed_out && !exit.cancelled && exit.signal == 0
         && (exit.code == 2 || exit.code == 126 || exit.code == 127) && !exit.stderr_text.empty();
}

} // namespace

// What this builder's detect claims on this peer: CCAAS_BUILDER_TYPES as the peer passes it.
config::PackageTypes our_types(const std::vector<BuilderInfo>& builders, const contract::EnvLookup& env)
{
  const auto our = find_ours(builders);
  if (our == builders.end()
      || std::find(our->propagate.begin(), our->propagate.end(), config::k_types.name) == our->propagate.end()) {
    return {};
  }
  try {
    return config::load_settings({&config::k_types}, env).types;
  } catch (const Failure&) {
    return {}; // check_builders reports the value
  }
}

bool find_claims(const DoctorInput& input,
                 const config::PackageTypes& types,
                 std::vector<BuilderInfo>& builders,
                 std::vector<InstalledPackage>& packages,
                 const probe::Cancel& cancel,
                 Findings& findings)
{
  // From inside, the builders before ours (ours claims what CCAAS_BUILDER_TYPES says); from
  // outside the peer, every builder it lists, in order: the peer's own root decides.
  const auto our = input.outside ? builders.end() : find_ours(builders);
  std::vector<BuilderInfo*> asked;
  for (auto it = builders.begin(); it != our; ++it) {
    if (it->usable) {
      asked.push_back(&*it);
    }
  }
  // Ours claims the types its detect claims (CCAAS_BUILDER_TYPES, when the peer passes it); the
  // builders after it are never asked for one.
  const auto ours_claims = [&](const InstalledPackage& package) {
    return our != builders.end() && our->usable && package.type && contract::claims_type(types, *package.type);
  };
  if (asked.empty()) {
    for (InstalledPackage& package : packages) {
      package.claimed_by = ours_claims(package) ? our->name : "";
    }
    return true;
  }
  const auto names = [&asked] {
    std::vector<std::string> out;
    out.reserve(asked.size());
    for (const BuilderInfo* b : asked) {
      out.push_back(b->name);
    }
    return join(out);
  };
  const std::string which = input.outside ? "" : ", listed before ccaas-builder";
  const Runner runner(input);
  if (!runner.refusal.empty()) {
    findings.cannot_check(k_builders,
                          "detect",
                          "did not run the bin/detect of " + names() + ": " + runner.refusal
                            + "; which builder claims what was judged from the files only, not run",
                          "judge this peer's builders from their files (above), or run the doctor inside the "
                          "peer's container (kubectl exec)");
    return false;
  }
  // own: the doctor's own trouble (no scratch space), said as such; else the confinement the
  // doctor needs was refused, and the builders were judged from their files.
  const auto could_not = [&](const std::string& why, bool setup_refused, bool own = false) {
    findings.cannot_check(
      k_builders,
      "detect",
      "could not run the bin/detect of " + names() + which + (input.outside ? " in the peer's root: " : ": ") + why
        + (own ? ": the doctor's own trouble, not the peer's; which builder claims ccaas packages is not known"
               : ": which builder claims what was judged from the files only, not run"),
      setup_refused   ? "start the debug container with the default capabilities (CAP_SYS_CHROOT, and CAP_SETUID and "
                        "CAP_SETGID for a peer of another user), e.g. kubectl debug --profile=general"
      : input.outside ? "give the peer's TMPDIR room and write access for its user (an emptyDir): the "
                        "peer's own installs need it too"
                      : "run the doctor with TMPDIR set to a writable directory (an emptyDir in a pod "
                        "with readOnlyRootFilesystem)");
    return false;
  };
  bool refused = false;

  // Runs one builder's detect on a laid-out package: whether it claims it, with a finding when
  // the peer would not get an answer either. None once a termination signal arrived, or once
  // running inside the peer's root was refused.
  const auto detect = [&](BuilderInfo& builder, const PackageLayout& dirs, std::string* said) {
    if (cancel.requested() || refused) {
      return false;
    }
    const spawn::Exit exit = runner.detect(builder, dirs, cancel);
    if (exit.cancelled) {
      return false; // killed: the doctor is stopping
    }
    if (exit.setup_refused) {
      refused = true;
      could_not(exit.error, true);
      return false;
    }
    ++builder.detect_runs;
    if (shell_error(exit)) {
      ++builder.detect_shell_errors;
      builder.detect_code = exit.code;
      builder.detect_stderr = first_line(exit.stderr_text);
    }
    if (exit.timed_out) {
      findings.add(Severity::error,
                   k_builders,
                   "builder " + builder.name,
                   "bin/detect did not exit within " + std::to_string(k_detect_limit.count() / 1000)
                     + "s: the peer waits for it without a limit, so an install hangs there",
                   "fix or remove that builder");
    } else if (!exit.started) {
      findings.add(Severity::error,
                   k_builders,
                   "builder " + builder.name,
                   "bin/detect " + exit.error
                     + ": the peer logs that only at DEBUG and hands the package to the next builder",
                   "check the program's interpreter (#!) and format for this image");
    }
    const bool claims = exit.started && !exit.timed_out && exit.code == 0;
    if (!claims && exit.started && !exit.timed_out) {
      *said = last_line(exit.stderr_text);
    }
    return claims;
  };

  std::optional<Scratch> scratch;
  try {
    scratch.emplace(input, runner, cancel);
    const PackageLayout minimal = scratch->lay_out({});
    for (BuilderInfo* builder : asked) {
      builder->claims_ccaas = detect(*builder, minimal, &builder->said_to_minimal);
      builder->detect_ran = !refused;
    }
  } catch (const OwnTrouble& e) {
    if (cancel.requested()) {
      return false;
    }
    const bool setup_refused = scratch && scratch->refused;
    return could_not(e.what(), setup_refused, !setup_refused);
  }
  for (InstalledPackage& package : packages) {
    if (cancel.requested() || refused) {
      return false;
    }
    PackageLayout dirs;
    try {
      // the peer's path, which the scratch work, run in its root, opens as the peer opens it
      dirs = scratch->lay_out(package.file);
    } catch (const OwnTrouble& e) {
      if (cancel.requested()) {
        return false;
      }
      return could_not(e.what(), scratch->refused);
    } catch (const Failure& e) {
      package.not_laid_out = e.what();
      continue;
    }
    for (BuilderInfo* builder : asked) {
      std::string said;
      if (detect(*builder, dirs, &said)) {
        package.claimed_by = builder->name;
        break;
      }
      if (!said.empty()) {
        package.said.push_back(builder->name + ": \"" + said + "\"");
      }
    }
    if (package.claimed_by.empty() && ours_claims(package)) {
      package.claimed_by = our->name;
    }
  }
  return !cancel.requested() && !refused;
}

} // namespace ccaas::steps::doctor_checks
