#pragma once

#include "ccaas/probe/deadline.hpp"
#include "ccaas/util/log.hpp"

#include <cstdint>

// What every step is handed besides its own input: where its messages go, what cancels it, and
// the time. Steps return an Outcome; the command line alone turns it into an exit code.
namespace ccaas::steps {

enum class Outcome {
  ok,
  failed,     // the peer's operation must fail (the lines why were reported)
  not_ours,   // detect: not a ccaas package
  terminated, // a termination signal arrived (SIGTERM from the peer, an operator's Ctrl-C)
  unchecked,  // a check could not run for a reason of its own (no scratch space): no verdict either way
};

struct Context {
  log::Reporter& reporter;
  probe::Cancel cancel; // readable once a termination signal arrived
  std::int64_t now = 0; // seconds since the epoch, for certificate validity
};

} // namespace ccaas::steps
