#pragma once

namespace ccaas::cli {

// `run --check PATH [--ccid ID] [--dial-timeout D] [--json]`, for an operator's shell or
// `kubectl exec`: what would the peer get from this package or build, and can it launch the
// chaincode? Human-readable lines on stderr; with --json one JSON object on stdout. Exit 0 when
// the peer could launch the chaincode, 1 when not, 2 on a usage error.
int run_check(int argc, char** argv);

} // namespace ccaas::cli
