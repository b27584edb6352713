#pragma once

#include <string>
#include <vector>

namespace ccaas::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1; // also detect's "not ours"
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_terminated = 143; // 128 + SIGTERM

struct StepSpec {
  const char* name;                                  // "build"
  std::vector<const char*> arg_names;                // {"CHAINCODE_SOURCE_DIR", ...}, as the peer's contract names them
  const char* summary;                               // one line for --help
  std::vector<const char*> env_vars;                 // the variables the step reads, for --help
  int (*body)(const std::vector<std::string>& args); // returns the exit code; may throw Failure
};

// The only place that turns errors into exit codes and stderr lines: checks the argument count
// exactly, answers --help and --version, runs the body, maps Failure to 1 and anything else to 1
// with an "internal error" line. Nothing is written to stdout except for --help and --version.
int run_step(const StepSpec& spec, int argc, char** argv);

} // namespace ccaas::cli
