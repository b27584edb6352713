#pragma once

namespace ccaas::cli {

// `run --package DIR --label LABEL [--type ccaas|external] [--output FILE] [--json]`: the package
// the peer installs, its bytes a function of its inputs alone, and the package ID and the
// chaincode server's CHAINCODE_ID it gives. Lines on stderr; with --json one object on stdout.
// Exit 0 when written, 1 on bad input (nothing written), 2 on a usage error.
int run_package(int argc, char** argv);

} // namespace ccaas::cli
