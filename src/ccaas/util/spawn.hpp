#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// Runs another program the way the peer runs a builder's (core/container/externalbuilder/
// externalbuilder.go, NewCommand): argv as given, no shell, the environment given and nothing
// else, stdin on /dev/null. Unlike the peer, it waits a bounded time, or until cancel_fd is
// readable (a termination signal), and then kills the program, and it never gives the program
// more than it needs: always its own session and process group, no descriptor but 0, 1 and 2,
// no_new_privs (a setuid file or file capabilities gain nothing); optionally inside another
// process's root (chroot to an open descriptor of it, then its working directory, itself an open
// descriptor resolved inside that root), as that process's user with its supplementary groups,
// and with no capability that process has not (bounding set and permitted set cut to a mask).
// This process is a child subreaper: whatever the program leaves behind (children in a session
// of their own) comes back to it, and is killed before run returns. Only the doctor uses it:
// detect, build and release never start a process.
namespace ccaas::spawn {

struct Exit {
  bool started = false;       // false: error says why (no such file, not executable, ...)
  bool timed_out = false;     // killed (SIGKILL) after the limit
  bool cancelled = false;     // killed (SIGKILL) because cancel_fd became readable
  int code = -1;              // the exit status, when it exited
  int signal = 0;             // the signal that ended it, when one did
  int error_number = 0;       // errno of what failed before the program ran (execve's ENOENT, chroot's EPERM)
  bool setup_refused = false; // the confinement asked for could not be made: the program never ran
  int left_behind = 0;        // processes it left running, killed when it ended
  double ms = 0;
  std::string error;
  std::string stderr_text; // the first 4 KiB it wrote to stderr, when captured
  std::string stdout_text; // the first 4 KiB it wrote to stdout, when captured
};

struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups; // supplementary groups, set as they are
};

struct Options {
  std::chrono::milliseconds limit{10'000};
  int cancel_fd = -1;
  int root_fd = -1;         // chroot to this folder before exec; -1: this process's root
  int cwd_fd = -1;          // then fchdir here (inside that root); -1: its "/"
  bool change_user = false; // then become this user, group and groups:
  Identity user;
  std::optional<std::uint64_t> capabilities; // at most these capabilities (bit N: capability N)
  // Instead of a program: this function, run in the confined child (fork, no exec), its stdout
  // and stderr those above; the child ends with what it returns (1 when it throws). For work of
  // this program's own that must have no more power than the process it is confined to.
  std::function<int()> body;
  bool capture_stderr = false; // else stderr goes to /dev/null
  bool capture_stdout = false; // else stdout goes to /dev/null
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
