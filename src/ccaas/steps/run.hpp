#pragma once

#include "ccaas/steps/context.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace ccaas::steps {

struct RunInput {
  std::filesystem::path build_dir;                  // BUILD_OUTPUT_DIR: the durable builds/<id>/bld
  std::filesystem::path run_metadata_dir;           // RUN_METADATA_DIR: holds chaincode.json
  std::optional<std::int64_t> default_dial_timeout; // CCAAS_BUILDER_DIAL_TIMEOUT, nanoseconds
};

// The peer calls run only when the durable release directory has no
// chaincode/server/connection.json (core/chaincode/runtime_launcher.go), and then waits for the
// chaincode to connect back, which a ccaas server never does. run restores that file from
// BLD/connection.json, so that the peer's next launch dials the server, probes the server as that
// launch will, and fails this launch at once: never ok; terminated when the cancel fired. It never
// waits longer than the probe's dial timeout, and leaves within a second of the cancel.
Outcome run(const RunInput& input, Context& context);

} // namespace ccaas::steps
