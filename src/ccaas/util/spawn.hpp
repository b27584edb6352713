#pragma once

#include <chrono>
#include <string>
#include <vector>

// Runs another program the way the peer runs a builder's (core/container/externalbuilder/
// externalbuilder.go, NewCommand): argv as given, no shell, the environment given and nothing
// else, stdin, stdout and stderr on /dev/null, the caller's working directory. Unlike the peer,
// it waits a bounded time, or until cancel_fd is readable (a termination signal), and then kills
// the program. Only the doctor uses it: detect, build and release never start a process.
namespace ccaas::spawn {

struct Exit {
  bool started = false;   // false: error says why (no such file, not executable, ...)
  bool timed_out = false; // killed (SIGKILL) after the limit
  bool cancelled = false; // killed (SIGKILL) because cancel_fd became readable
  int code = -1;          // the exit status, when it exited
  int signal = 0;         // the signal that ended it, when one did
  double ms = 0;
  std::string error;
};

Exit run(const std::string& program,
         const std::vector<std::string>& args,
         const std::vector<std::string>& env, // NAME=value each
         std::chrono::milliseconds limit,
         int cancel_fd = -1);

} // namespace ccaas::spawn
