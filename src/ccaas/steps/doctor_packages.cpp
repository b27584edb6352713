#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/targz.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <optional>

// The packages the peer keeps installed (core/chaincode/persistence: <label>.<hash>.tar.gz in
// <peer.fileSystemPath>/lifecycle/chaincodes), each with its type, and the finding of who claims
// each when the peer builds it again (found by doctor_claims.cpp).
namespace ccaas::steps::doctor_checks {

namespace {

// <label>.<64 hex>.tar.gz, as persistence.CCFileName names it: the package ID is label:hash.
std::optional<std::string> package_id_of_file(const std::string& name)
{
  constexpr std::string_view k_suffix = ".tar.gz";
  if (name.size() <= k_suffix.size() + 65
      || name.compare(name.size() - k_suffix.size(), k_suffix.size(), k_suffix) != 0) {
    return std::nullopt;
  }
  const std::string stem = name.substr(0, name.size() - k_suffix.size());
  const std::string id = stem.substr(0, stem.size() - 65) + ":" + stem.substr(stem.size() - 64);
  if (stem[stem.size() - 65] != '.' || !contract::parse_package_id(id)) {
    return std::nullopt;
  }
  return id;
}

} // namespace

std::vector<InstalledPackage> read_installed(const contract::PeerConfig& config,
                                             const file::RootView& root,
                                             Findings& findings)
{
  std::vector<InstalledPackage> packages;
  const fs::path dir = config.file_system_path / "lifecycle" / "chaincodes";
  std::error_code ec;
  const file::InRoot listed = root.open(dir, O_RDONLY | O_DIRECTORY);
  if (!listed.ok()) {
    return packages;
  }
  for (const auto& entry : fs::directory_iterator(listed.path(), ec)) {
    const auto id = package_id_of_file(entry.path().filename().string());
    // The peer reads it following links (os.ReadFile): so does the doctor, inside the peer's root.
    struct stat st = {};
    if (!id || !root.open(dir / entry.path().filename()).stat(st) || !S_ISREG(st.st_mode)) {
      continue;
    }
    InstalledPackage package{dir / entry.path().filename(), *id, std::nullopt, {}, {}, {}};
    try {
      const file::InRoot opened = root.open(package.file, O_RDONLY | O_NONBLOCK);
      const std::string text =
        file::read_tar_gz_member(opened.path(), contract::k_metadata_file, package.file.string());
      package.type = contract::parse_metadata(text, package.file.string() + ": metadata.json").type;
    } catch (const Failure& e) {
      findings.add(Severity::warning,
                   "chaincode " + package.package_id,
                   "installed package",
                   e.what(), // the peer's paths: doctor.cpp names them as the peer does
                   "the peer refuses such a package at its next start; install a good one again");
    }
    packages.push_back(std::move(package));
  }
  std::sort(packages.begin(), packages.end(), [](const InstalledPackage& a, const InstalledPackage& b) {
    return a.package_id < b.package_id;
  });
  return packages;
}

void report_claims(const std::vector<InstalledPackage>& packages,
                   const std::vector<BuilderInfo>& builders,
                   bool known,
                   const config::PackageTypes& types,
                   const contract::PeerConfig& config,
                   const DoctorInput& input,
                   Findings& findings)
{
  const auto our = find_ours(builders);
  for (const InstalledPackage& package : packages) {
    const std::string group = "chaincode " + package.package_id;
    if (!package.not_laid_out.empty()) {
      // Never "no builder claims it": no detect ran on it, so who claims it is not known.
      findings.add(Severity::warning,
                   group,
                   "detect",
                   "the doctor could not lay this package out as the peer lays it out for detect ("
                     + package.not_laid_out + "): which builder claims it was not found",
                   "check the package with run --check, and install a good one again");
      continue;
    }
    // One of ours: a type this builder claims here (or one not known, the package unreadable);
    // from outside, any chaincode-as-a-service type.
    const bool ccaas =
      !package.type
      || (input.outside ? contract::is_server_type(*package.type) : contract::claims_type(types, *package.type));
    if (package.claimed_by.empty()) {
      if (!known || !package.type) {
        continue;
      }
      if (!contract::is_server_type(*package.type) && docker_answers(config, input)) {
        findings.add(Severity::ok,
                     group,
                     "detect",
                     "no external builder claims this " + *package.type + " package: Docker at " + config.vm_endpoint
                       + " builds it");
        continue;
      }
      findings.add(Severity::error,
                   group,
                   "detect",
                   "no builder claims this " + *package.type + " package: when the peer builds it again, "
                     + fallback_words(config, input, *package.type) + declined_words(package.said),
                   input.outside ? "list a builder that claims type " + *package.type
                                     + " under chaincode.externalBuilders, and fix the builder problems above"
                                 : "list ccaas-builder first in the peer's externalBuilders");
      continue;
    }
    if (our != builders.end() && package.claimed_by == our->name && !input.outside) {
      findings.add(Severity::ok, group, "detect", "claimed by " + package.claimed_by + ", this builder");
    } else if (ccaas && !input.outside) {
      findings.add(Severity::warning,
                   group,
                   "detect",
                   "claimed by " + package.claimed_by
                     + " (its bin/detect exits 0 for it), listed before ccaas-builder: when the peer builds it "
                       "again, "
                     + package.claimed_by + " does",
                   "list ccaas-builder before " + package.claimed_by);
    } else {
      findings.add(Severity::ok, group, "detect", "claimed by " + package.claimed_by);
    }
  }
}

} // namespace ccaas::steps::doctor_checks
