#include "ccaas/steps/release.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/metadata.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/probe/probe.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

#include <sys/stat.h>

namespace ccaas::steps {

namespace fs = std::filesystem;

namespace {

// The package ID, read from the peer's scratch directory (BLD's parent), cross-checked against
// the label in BLD/metadata.json when that is there.
std::optional<contract::PackageId> package_id_of(const fs::path& build_dir, log::Reporter& reporter)
{
  const fs::path parent = fs::absolute(build_dir).lexically_normal().parent_path();
  auto id = contract::package_id_from_scratch_dir(parent.filename().string());
  if (!id) {
    id = contract::package_id_from_durable_dir(parent.filename().string());
  }
  if (id && file::exists_nofollow(build_dir / contract::k_metadata_file)) {
    try {
      const contract::Metadata metadata = contract::read_metadata(build_dir);
      if (metadata.label != id->label) {
        reporter.warning("the package label \"" + metadata.label + "\" differs from the directory name "
                         + parent.filename().string() + ": not naming a chaincode ID");
        return std::nullopt;
      }
    } catch (const Failure&) {
      return std::nullopt;
    }
  }
  return id;
}

} // namespace

Outcome release(const ReleaseInput& input, Context& context)
{
  log::Reporter& reporter = context.reporter;
  const LoadedConnection loaded =
    load_rendered_connection(input.build_dir / contract::k_connection_file,
                             "the build step did not complete, or BUILD_OUTPUT_DIR was built by another builder",
                             context.now,
                             reporter);

  const fs::path meta_inf = input.build_dir / contract::k_meta_inf_dir / "statedb";
  const fs::path statedb =
    file::exists_nofollow(meta_inf) ? meta_inf : input.build_dir / contract::k_external_index_dir / "statedb";
  struct stat st = {};
  if (::lstat(statedb.c_str(), &st) == 0) {
    const fs::path target = input.release_dir / "statedb";
    file::remove_tree(target);
    const std::size_t files = file::copy_tree_atomic(statedb, target);
    reporter.info("copied " + std::to_string(files) + " file(s) of "
                  + statedb.lexically_relative(input.build_dir).string() + " to " + target.string());
  }

  const auto id = package_id_of(input.build_dir, reporter);
  if (input.probe != config::ProbePolicy::off) {
    const probe::ProbeReport report = probe::run_probe(
      probe::target_for(loaded.connection, id ? std::optional<std::string>(id->str()) : std::nullopt), context.cancel);
    if (report.cancelled) {
      reporter.info("terminated during the probe of " + report.address + ": nothing published");
      return Outcome::terminated;
    }
    if (report.ok && report.warnings.empty()) {
      reporter.info(probe::verdict_line(report));
    } else if (report.ok) {
      reporter.warning(probe::verdict_line(report));
    } else if (report.unchecked) {
      // The probe's own trouble is no verdict on the server: not even require refuses for it.
      reporter.warning(probe::verdict_line(report) + " (the install goes on)");
    } else if (input.probe == config::ProbePolicy::require) {
      reporter.error(probe::verdict_line(report) + " (" + config::k_probe.name + "=require: nothing published)");
      return Outcome::failed;
    } else {
      reporter.warning(probe::verdict_line(report) + " (the install goes on: the server may start later)");
    }
  }

  const fs::path published =
    publish_connection(input.release_dir, fs::path("chaincode") / "server" / contract::k_connection_file, loaded);
  reporter.info("wrote " + published.string() + ": the peer will dial " + loaded.connection.summary());

  if (id) {
    reporter.info("the chaincode server must be started with chaincode ID " + id->str()
                  + " (CHAINCODE_ID; fabric-chaincode-node: --chaincode-id); any other ID makes the peer wait out "
                    "chaincode.startuptimeout");
  } else {
    reporter.info("the chaincode server must be started with the package ID as its chaincode ID (label:sha256 of "
                  "the package file, as 'peer lifecycle chaincode calculatepackageid' prints it)");
  }
  return Outcome::ok;
}

} // namespace ccaas::steps
