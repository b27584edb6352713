#include "ccaas/util/spawn.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

namespace ccaas::spawn {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> pointers(std::vector<std::string>& strings)
{
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

void record(Exit& exit, int status)
{
  if (WIFEXITED(status)) {
    exit.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
  }
}

} // namespace

Exit run(const std::string& program,
         const std::vector<std::string>& args,
         const std::vector<std::string>& env,
         std::chrono::milliseconds limit,
         int cancel_fd)
{
  Exit exit;
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings(env);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  for (int fd = 0; fd <= 2; ++fd) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  // The child starts with default signal handling, whatever this process ignores (SIGPIPE).
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  const Clock::time_point start = Clock::now();
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    exit.error = std::string("cannot start (posix_spawn): ") + std::strerror(rc);
    return exit;
  }
  exit.started = true;
  const Clock::time_point end = start + limit;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      record(exit, status);
      break;
    }
    if (done < 0 && errno != EINTR) {
      exit.error = std::string("cannot wait for it: ") + std::strerror(errno);
      break;
    }
    exit.timed_out = Clock::now() >= end;
    if (exit.timed_out || exit.cancelled) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    // 2 ms at a time (a detect takes a few), or until a termination signal.
    pollfd cancel{cancel_fd, POLLIN, 0};
    exit.cancelled = ::poll(&cancel, 1, 2) > 0 && (cancel.revents & POLLIN) != 0;
  }
  exit.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return exit;
}

} // namespace ccaas::spawn
