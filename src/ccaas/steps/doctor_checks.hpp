#pragma once

#include "ccaas/config/settings.hpp"
#include "ccaas/contract/connection.hpp"
#include "ccaas/probe/deadline.hpp"
#include "ccaas/steps/doctor.hpp"
#include "ccaas/util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

// The doctor's checks, one file a subject: the peer's configuration and builders
// (doctor_peer.cpp), a builder's programs judged from their files (doctor_programs.cpp), the
// set-up failures no file shows (doctor_setup.cpp), who claims what, found by running detect
// (doctor_claims.cpp), the installed packages (doctor_packages.cpp), what becomes of a package
// no builder claims (doctor_fallback.cpp), the durable builds (doctor_builds.cpp); doctor.cpp
// runs them in order.
namespace ccaas::steps::doctor_checks {

namespace fs = std::filesystem;

inline constexpr const char* k_configuration = "configuration";
inline constexpr const char* k_builders = "builders";

// The variables this builder reads: each must be listed under its propagateEnvironment.
inline const std::vector<const config::EnvVar*> k_our_variables{&config::k_builder_config,
                                                                &config::k_dial_timeout,
                                                                &config::k_types,
                                                                &config::k_probe};

class Findings
{
public:
  explicit Findings(std::vector<Finding>& out)
    : m_out(out)
  {
  }
  void add(Severity severity, std::string group, std::string subject, std::string message, std::string hint = {})
  {
    m_out.push_back({severity, std::move(group), std::move(subject), std::move(message), std::move(hint), false});
  }
  // A check that could not run: no verdict on the peer, a warning that says why.
  void cannot_check(std::string group, std::string subject, std::string message, std::string hint)
  {
    m_out.push_back(
      {Severity::warning, std::move(group), std::move(subject), std::move(message), std::move(hint), true});
  }

private:
  std::vector<Finding>& m_out;
};

// This very builder in the peer's list, or end() when it is not listed.
inline std::vector<BuilderInfo>::const_iterator find_ours(const std::vector<BuilderInfo>& builders)
{
  return std::find_if(builders.begin(), builders.end(), [](const BuilderInfo& b) { return b.ours; });
}

fs::path canonical_or_self(const fs::path& path);

// The builders' own words for a package none claimed (each "name: \"last stderr line\""): the
// peer logs them at INFO, next to a DEBUG line that says only that detect failed; "" when none
// wrote anything.
inline std::string declined_words(const std::vector<std::string>& said)
{
  return said.empty() ? std::string() : "; what each bin/detect that declined it wrote last: " + join(said, "; ");
}

// Why the peer cannot start this program of a builder, judged from its file in the peer's root
// (doctor_programs.cpp): not there, not executable by the peer's user, on a noexec mount, a #!
// line with a carriage return or an interpreter the image lacks, an ELF program for another
// machine or without its loader. Empty when the files show nothing wrong.
std::string program_problem(const DoctorInput& input, const fs::path& program);
// Whether the builder at this path of the peer's is a ccaas-builder (from outside the peer).
bool is_ccaas_builder(const DoctorInput& input, const fs::path& builder_dir);

// What the peer does with a package no builder claims, from vm.endpoint: "docker build is
// disabled", or Docker, and whether Docker answers there.
std::string fallback_words(const contract::PeerConfig& config, const DoctorInput& input, const std::string& type);
bool docker_answers(const contract::PeerConfig& config, const DoctorInput& input);

// "chaincode <package ID>", or the directory's name when it holds none: a build's group of findings.
std::string group_of(const BuildInfo& build);

void check_configuration(const contract::PeerConfig& config, const DoctorInput& input, Findings& findings);
// CORE_... variables for builders that viper never reads (CORE_PEER_EXTERNALBUILDERS_0_NAME):
// an error when no builder claims a ccaas package, a warning otherwise.
void check_ignored_variables(const DoctorInput& input, bool ccaas_unclaimed, Findings& findings);
// Builders whose detect failed before deciding anything on every package (a shell error).
void report_broken_detects(const std::vector<BuilderInfo>& builders, bool ccaas_unclaimed, Findings& findings);
std::vector<BuilderInfo> check_builders(const contract::PeerConfig& config,
                                        const DoctorInput& input,
                                        Findings& findings);
void check_fallback(const contract::PeerConfig& config, const DoctorInput& input, Findings& findings);

// What this builder's detect claims on this peer: CCAAS_BUILDER_TYPES as the peer passes it
// (doctor_claims.cpp), read once for find_claims and report_claims.
config::PackageTypes our_types(const std::vector<BuilderInfo>& builders, const contract::EnvLookup& env);

// The packages installed on the peer, each with its type.
std::vector<InstalledPackage> read_installed(const contract::PeerConfig& config,
                                             const file::RootView& root,
                                             Findings& findings);
// Who claims what, found as the peer finds it: the bin/detect of every builder listed before
// ours (all of them when ours is not listed), run as the peer runs it, on a minimal ccaas package
// and on each installed package. False when the doctor could not run them (its own trouble) or
// a termination signal ended them (cancel).
bool find_claims(const DoctorInput& input,
                 const config::PackageTypes& types,
                 std::vector<BuilderInfo>& builders,
                 std::vector<InstalledPackage>& packages,
                 const probe::Cancel& cancel,
                 Findings& findings);
// One finding per installed package: which builder the peer gives it to when it builds it again.
// known: find_claims could run every detect it needed.
void report_claims(const std::vector<InstalledPackage>& packages,
                   const std::vector<BuilderInfo>& builders,
                   bool known,
                   const config::PackageTypes& types,
                   const contract::PeerConfig& config,
                   const DoctorInput& input,
                   Findings& findings);
// Whether ccaas packages reach this builder: it is listed, and no builder before it claims them.
void check_order(const contract::PeerConfig& config,
                 const std::vector<BuilderInfo>& builders,
                 const DoctorInput& input,
                 bool claims_known,
                 Findings& findings);

std::vector<BuildInfo> read_builds(const contract::PeerConfig& config,
                                   const DoctorInput& input,
                                   const std::vector<BuilderInfo>& builders,
                                   const std::vector<InstalledPackage>& packages,
                                   Context& context,
                                   std::vector<std::optional<contract::Connection>>& connections,
                                   Findings& findings);
void probe_builds(std::vector<BuildInfo>& builds,
                  const std::vector<std::optional<contract::Connection>>& connections,
                  Context& context);

} // namespace ccaas::steps::doctor_checks
