#pragma once

namespace ccaas::cli {

// `run --doctor [--config DIR] [--json]`, in the peer's container: the peer's configuration, its
// builders and every installed chaincode, one line per finding, grouped, each with its severity
// and fix, and a closing count on stderr; with --json one object on stdout. Exit 0 when nothing
// is an error, 1 otherwise, 2 on a usage error.
int run_doctor(int argc, char** argv);

} // namespace ccaas::cli
