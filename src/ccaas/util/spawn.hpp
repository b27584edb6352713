#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

// Runs another program the way the peer runs a builder's (core/container/externalbuilder/
// externalbuilder.go, NewCommand): argv as given, no shell, the environment given and nothing
// else, stdin and stdout on /dev/null, the caller's working directory. Unlike the peer, it waits a
// bounded time, or until cancel_fd is readable (a termination signal), and then kills the
// program. It can also run the program as another process runs it: inside that process's root
// (chroot to /proc/PID/root), in its working directory, as its user. Only the doctor uses it:
// detect, build and release never start a process.
namespace ccaas::spawn {

struct Exit {
  bool started = false;       // false: error says why (no such file, not executable, ...)
  bool timed_out = false;     // killed (SIGKILL) after the limit
  bool cancelled = false;     // killed (SIGKILL) because cancel_fd became readable
  int code = -1;              // the exit status, when it exited
  int signal = 0;             // the signal that ended it, when one did
  int error_number = 0;       // errno of what failed before the program ran (execve's ENOENT, chroot's EPERM)
  bool setup_refused = false; // the chroot or the change of user was refused: the program never ran
  double ms = 0;
  std::string error;
  std::string stderr_text; // the first 4 KiB it wrote to stderr, when captured
};

struct Options {
  std::chrono::milliseconds limit{10'000};
  int cancel_fd = -1;
  std::string root;         // chroot here before exec; empty: this process's root
  int cwd_fd = -1;          // then fchdir here (the other process's working directory)
  std::optional<uid_t> uid; // then become this user and group, with no supplementary groups
  gid_t gid = 0;
  std::vector<int> pass_fds;   // open in the program as 3, 4, ... (directories it is handed)
  bool capture_stderr = false; // else stderr goes to /dev/null
};

Exit run(const std::string& program,
         const std::vector<std::string>& args,
         const std::vector<std::string>& env, // NAME=value each
         const Options& options);

Exit run(const std::string& program,
         const std::vector<std::string>& args,
         const std::vector<std::string>& env,
         std::chrono::milliseconds limit,
         int cancel_fd = -1);

} // namespace ccaas::spawn
