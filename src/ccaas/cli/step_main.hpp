#pragma once

#include "ccaas/config/settings.hpp"
#include "ccaas/steps/context.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ccaas::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1; // also detect's "not ours"
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_unchecked = 3;    // run --check, run --doctor: the check itself could not run
inline constexpr int k_exit_terminated = 143; // 128 + SIGTERM

struct StepSpec {
  const char* name;                             // "build"
  std::vector<const char*> arg_names;           // {"CHAINCODE_SOURCE_DIR", ...}, as the peer's contract names them
  const char* summary;                          // for --help
  std::vector<const config::EnvVar*> variables; // what the step reads from the environment
  bool cancellable;                             // SIGTERM/SIGINT cancel it (it waits on the network)
  steps::Outcome (*body)(const std::vector<std::string>& args, const config::Settings&, steps::Context&);
};

// The exit code of an outcome: the one table, for every entry point.
int exit_code(steps::Outcome outcome);

// Runs body and turns what it returns or throws into an exit code and at most one more line:
// Failure is its own line, ReportedFailure's lines are written, anything else is an "internal
// error" line. Every entry point goes through here; nothing below it exits.
int guarded(log::Reporter& reporter, const std::function<steps::Outcome()>& body);

// The context a step runs in: reporter, the time, and, for a step that waits on the network, the
// termination signals as its cancel (the handlers are installed here).
steps::Context make_context(log::Reporter& reporter, bool cancellable);

// A step's main: checks the argument count exactly, answers --help and --version, reads the
// step's variables once (a bad one fails with exit 1), and runs the body guarded. Nothing is
// written to stdout except for --help and --version.
int run_step(const StepSpec& spec, int argc, char** argv);

} // namespace ccaas::cli
