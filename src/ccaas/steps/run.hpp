#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace ccaas::steps {

struct RunInput {
  std::filesystem::path build_dir;        // BUILD_OUTPUT_DIR: the durable builds/<id>/bld
  std::filesystem::path run_metadata_dir; // RUN_METADATA_DIR: holds chaincode.json
  std::int64_t now = 0;
  int cancel_fd = -1;                               // readable when the peer's SIGTERM arrived
  std::optional<std::int64_t> default_dial_timeout; // CCAAS_BUILDER_DIAL_TIMEOUT, nanoseconds
};

// The peer calls run only when the durable release directory has no
// chaincode/server/connection.json (core/chaincode/runtime_launcher.go), and then waits for the
// chaincode to connect back, which a ccaas server never does. run restores that file from
// BLD/connection.json, so that the peer's next launch dials the server, probes the server as that
// launch will, and returns the exit code: never 0, since this launch cannot succeed; 143 when
// terminated. It never waits longer than the probe's dial timeout, and leaves within a second of
// cancel_fd becoming readable.
int run(const RunInput& input);

} // namespace ccaas::steps
