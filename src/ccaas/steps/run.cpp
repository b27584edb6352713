#include "ccaas/steps/run.hpp"

#include "ccaas/contract/chaincode_json.hpp"
#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/probe/probe.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/util/file.hpp"

namespace ccaas::steps {

namespace fs = std::filesystem;

Outcome run(const RunInput& input, Context& context)
{
  log::Reporter& reporter = context.reporter;
  const contract::ChaincodeJson chaincode = contract::read_chaincode_json(input.run_metadata_dir);
  const LoadedConnection loaded =
    load_rendered_connection(input.build_dir / contract::k_connection_file,
                             "this build has no connection.json (built by another builder?): reinstall the package",
                             context.now,
                             reporter);
  if (context.cancel.requested()) {
    return Outcome::terminated;
  }

  // The peer's durable layout: builds/<id>/{build-info.json,bld,release} (externalbuilder.go).
  const fs::path durable = fs::absolute(input.build_dir).lexically_normal().parent_path();
  if (const auto id = contract::package_id_from_durable_dir(durable.filename().string());
      id && id->str() != chaincode.chaincode_id) {
    reporter.warning("the build directory " + durable.filename().string() + " does not belong to chaincode ID "
                     + chaincode.chaincode_id + " (chaincode.json); trusting chaincode.json");
  }
  if (file::exists_nofollow(durable / "build-info.json")) {
    const fs::path published =
      publish_connection(durable, fs::path("release") / "chaincode" / "server" / contract::k_connection_file, loaded);
    reporter.info("the release step's connection file was missing; restored " + published.string()
                  + ": the peer's next launch of " + chaincode.chaincode_id + " dials " + loaded.connection.summary());
  } else {
    reporter.warning(input.build_dir.string()
                     + " is not in a peer's durable build directory (no ../build-info.json): wrote nothing");
  }
  // CCAAS_BUILDER_DIAL_TIMEOUT bounds the probe when the connection sets no dial_timeout.
  const auto dial_timeout = loaded.connection.dial_timeout ? std::nullopt : input.default_dial_timeout;
  const probe::ProbeReport report =
    probe::run_probe(probe::target_for(loaded.connection, chaincode.chaincode_id, dial_timeout), context.cancel);
  if (report.cancelled || context.cancel.requested()) {
    reporter.info("terminated during the probe of " + report.address);
    return Outcome::terminated;
  }
  for (const std::string& line : probe::stage_lines(report)) {
    reporter.info("probe " + line);
  }
  reporter.info("chaincode ID expected " + chaincode.chaincode_id + ", the server registered as "
                + report.ccid_reported.value_or("(nothing: no REGISTER)"));
  if (report.ok && report.warnings.empty()) {
    reporter.info(probe::verdict_line(report));
  } else {
    reporter.warning(probe::verdict_line(report));
  }
  reporter.info("exiting 1 so that this launch fails now instead of after chaincode.startuptimeout; "
                "the next launch dials the chaincode server");
  return context.cancel.requested() ? Outcome::terminated : Outcome::failed;
}

} // namespace ccaas::steps
