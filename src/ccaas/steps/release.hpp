#pragma once

#include "ccaas/config/settings.hpp"
#include "ccaas/steps/context.hpp"

#include <filesystem>

namespace ccaas::steps {

struct ReleaseInput {
  std::filesystem::path build_dir;                       // BUILD_OUTPUT_DIR
  std::filesystem::path release_dir;                     // RELEASE_OUTPUT_DIR
  config::ProbePolicy probe = config::ProbePolicy::warn; // CCAAS_BUILDER_PROBE
};

// Copies BLD/META-INF/statedb to REL/statedb and publishes REL/chaincode/server/connection.json,
// the file whose presence tells the peer to dial the chaincode server; then names the chaincode ID
// that server must be started with. Before publishing, probes the server as the peer will dial
// it: under ProbePolicy::require a failed probe fails the release and publishes nothing, and a
// termination during the probe publishes nothing either. connection.json is written last, whole
// or not at all.
Outcome release(const ReleaseInput& input, Context& context);

} // namespace ccaas::steps
