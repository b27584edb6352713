#include "ccaas/util/spawn.hpp"

#include "ccaas/util/descendants.hpp"
#include "ccaas/util/fd.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

namespace ccaas::spawn {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_stderr_kept = 4096;

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

// What the child says when it fails before the program runs: the step, then errno.
enum Step : int { step_exec = 1, step_chroot, step_chdir, step_user, step_fds, step_caps };

[[noreturn]] void child_fails(int report_fd, int step)
{
  const int message[2] = {step, errno};
  [[maybe_unused]] const ssize_t n = ::write(report_fd, message, sizeof message);
  ::_exit(127);
}

// The capability sets of this process (capget/capset, version 3: two 32-bit words each).
bool cut_capabilities(std::uint64_t mask)
{
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) != 0) {
    return false;
  }
  for (int i = 0; i < 2; ++i) {
    const auto word = static_cast<std::uint32_t>(mask >> (32 * i));
    data[i].permitted &= word;
    data[i].effective &= word;
    data[i].inheritable = 0;
  }
  if (::syscall(SYS_capset, &header, data) != 0) {
    return false;
  }
  // What it holds now, checked rather than assumed.
  if (::syscall(SYS_capget, &header, data) != 0) {
    return false;
  }
  const std::uint64_t permitted = data[0].permitted | (static_cast<std::uint64_t>(data[1].permitted) << 32);
  return (permitted & ~mask) == 0;
}

// Every descriptor from 3 up closed, now or (at_exec) when the program is exec'd: close_range
// (Linux 5.9; CLOSE_RANGE_CLOEXEC 5.11), else one by one.
void close_from_3(bool at_exec)
{
  if (::syscall(SYS_close_range, 3U, ~0U, at_exec ? 4U /* CLOSE_RANGE_CLOEXEC */ : 0U) == 0) {
    return;
  }
  rlimit limit = {};
  const rlim_t top = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? limit.rlim_cur : 65536;
  for (int fd = 3; fd < static_cast<int>(top); ++fd) {
    if (at_exec) {
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    } else {
      ::close(fd);
    }
  }
}

// In the child, between fork and exec: async-signal-safe calls only. The order matters: the root
// is entered while this process may still chroot; the bounding set is cut while it still holds
// CAP_SETPCAP; the user changes while it holds CAP_SETUID; the rest needs no privilege.
[[noreturn]] void child(const char* program,
                        char* const* argv,
                        char* const* envp,
                        const Options& options,
                        const gid_t* groups,
                        std::size_t group_count,
                        int null_fd,
                        int stdout_fd,
                        int stderr_fd,
                        int report_fd)
{
  const auto fail = [report_fd](int step) { child_fails(report_fd, step); };
  // Default signal handling and an empty mask, whatever this process set (SIGPIPE ignored).
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (const int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) {
    ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::setsid(); // a session and process group of its own, which run kills whole
  if (::dup2(null_fd, 0) < 0 || ::dup2(stdout_fd >= 0 ? stdout_fd : null_fd, 1) < 0
      || ::dup2(stderr_fd >= 0 ? stderr_fd : null_fd, 2) < 0) {
    fail(step_fds);
  }
  if (options.root_fd >= 0) {
    if (::fchdir(options.root_fd) != 0 || ::chroot(".") != 0) {
      fail(step_chroot);
    }
  }
  if (options.capabilities) {
    for (int cap = 0; cap < 64; ++cap) {
      if ((*options.capabilities & (1ULL << cap)) == 0 && ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1
          && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EPERM) {
        fail(step_caps); // EPERM: no CAP_SETPCAP, and then the permitted set, cut below, is what counts
      }
    }
  }
  if (options.change_user) {
    if (::setgroups(group_count, groups) != 0 || ::setresgid(options.user.gid, options.user.gid, options.user.gid) != 0
        || ::setresuid(options.user.uid, options.user.uid, options.user.uid) != 0) {
      fail(step_user);
    }
  }
  if (options.capabilities && !cut_capabilities(*options.capabilities)) {
    fail(step_caps);
  }
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); // EINVAL before Linux 4.3: none there
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail(step_caps);
  }
  // Its working directory last, with no privilege left to follow a link out of the root.
  if (options.root_fd >= 0 && options.cwd_fd >= 0 && ::fchdir(options.cwd_fd) != 0) {
    fail(step_chdir);
  }
  if (options.body) {
    // Confined: the parent learns that from the report pipe closing, as at an exec; then nothing
    // of the parent's but 0, 1 and 2 stays open, and no destructor or atexit handler of its runs.
    ::close(report_fd);
    close_from_3(false);
    int code = 1;
    try {
      code = options.body();
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  close_from_3(true);
  ::execve(program, argv, envp);
  child_fails(report_fd, step_exec);
}

const char* step_words(int step)
{
  switch (step) {
    case step_chroot:
      return "cannot enter its root (chroot)";
    case step_chdir:
      return "cannot enter its working directory";
    case step_user:
      return "cannot become its user";
    case step_fds:
      return "cannot set up its file descriptors";
    case step_caps:
      return "cannot limit its capabilities to the peer's";
    default:
      return "cannot start (execve)";
  }
}

void drain(int fd, std::string& kept)
{
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    const std::size_t room = k_stderr_kept > kept.size() ? k_stderr_kept - kept.size() : 0;
    kept.append(buffer, std::min(room, static_cast<std::size_t>(n)));
  }
}

// A pipe the child writes into (non-blocking at this end), or none.
bool open_pipe(bool wanted, UniqueFd& read_end, UniqueFd& write_end)
{
  if (!wanted) {
    return true;
  }
  int fds[2] = {-1, -1};
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return false;
  }
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

} // namespace

Exit run(const std::string& program,
         const std::vector<std::string>& args,
         const std::vector<std::string>& env,
         const Options& options)
{
  const bool reaper = become_subreaper();
  Exit exit;
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings(env);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);
  const std::vector<gid_t>& groups = options.user.groups;

  const UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  int report_pipe[2] = {-1, -1};
  if (null_fd.get() < 0 || ::pipe2(report_pipe, O_CLOEXEC) != 0) {
    exit.error = std::string("cannot start: ") + std::strerror(errno);
    return exit;
  }
  UniqueFd report_read(report_pipe[0]);
  UniqueFd report_write(report_pipe[1]);
  UniqueFd stderr_read;
  UniqueFd stderr_write;
  UniqueFd stdout_read;
  UniqueFd stdout_write;
  if (!open_pipe(options.capture_stderr, stderr_read, stderr_write)
      || !open_pipe(options.capture_stdout, stdout_read, stdout_write)) {
    exit.error = std::string("cannot start: ") + std::strerror(errno);
    return exit;
  }

  const Clock::time_point start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    exit.error = std::string("cannot start (fork): ") + std::strerror(errno);
    return exit;
  }
  if (pid == 0) {
    child(program.c_str(),
          argv.data(),
          envp.data(),
          options,
          groups.data(),
          groups.size(),
          null_fd.get(),
          stdout_write.get(),
          stderr_write.get(),
          report_write.get());
  }
  report_write.reset();
  stderr_write.reset();
  stdout_write.reset();
  int message[2] = {0, 0};
  ssize_t got = 0;
  do {
    got = ::read(report_read.get(), message, sizeof message);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof message)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    exit.error_number = message[1];
    exit.setup_refused = message[0] != step_exec && message[0] != step_fds;
    exit.error = std::string(step_words(message[0])) + ": " + std::strerror(message[1]);
    exit.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return exit;
  }
  exit.started = true;
  const Clock::time_point end = start + options.limit;
  std::optional<Descendants> family;
  if (!reaper) {
    family.emplace(pid);
  }
  Clock::time_point looked = start;
  for (;;) {
    if (family && Clock::now() - looked >= std::chrono::milliseconds(20)) {
      family->look();
      looked = Clock::now();
    }
    // Ended? Seen without reaping it (WNOWAIT): until it is reaped below, its ID names nothing
    // else, so that the kill of its process group cannot reach another's.
    siginfo_t info = {};
    const int waited = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (waited == 0 && info.si_pid == pid) {
      if (info.si_code == CLD_EXITED) {
        exit.code = info.si_status;
      } else {
        exit.signal = info.si_status;
      }
      break;
    }
    if (waited != 0 && errno != EINTR) {
      exit.error = std::string("cannot wait for it: ") + std::strerror(errno);
      break;
    }
    exit.timed_out = Clock::now() >= end;
    if (exit.timed_out || exit.cancelled) {
      ::kill(pid, SIGKILL);
      break;
    }
    // 2 ms at a time (a detect takes a few), or until a termination signal or its output.
    pollfd fds[3] = {{options.cancel_fd, POLLIN, 0}, {stderr_read.get(), POLLIN, 0}, {stdout_read.get(), POLLIN, 0}};
    if (::poll(fds, 3, 2) > 0) {
      exit.cancelled = (fds[0].revents & POLLIN) != 0;
      if (stderr_read.get() >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) {
        drain(stderr_read.get(), exit.stderr_text);
        if ((fds[1].revents & POLLHUP) != 0) {
          stderr_read.reset(); // closed: poll it no more
        }
      }
      if (stdout_read.get() >= 0 && (fds[2].revents & (POLLIN | POLLHUP)) != 0) {
        drain(stdout_read.get(), exit.stdout_text);
        if ((fds[2].revents & POLLHUP) != 0) {
          stdout_read.reset();
        }
      }
    }
  }
  // What it left behind: its process group, then whatever came back to this process; then it is
  // reaped.
  ::kill(-pid, SIGKILL);
  if (family) {
    exit.left_behind += family->end();
  }
  {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  exit.left_behind += end_children();
  if (stderr_read.get() >= 0) {
    drain(stderr_read.get(), exit.stderr_text);
  }
  if (stdout_read.get() >= 0) {
    drain(stdout_read.get(), exit.stdout_text);
  }
  exit.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return exit;
}

Exit run(const std::string& program,
         const std::vector<std::string>& args,
         const std::vector<std::string>& env,
         std::chrono::milliseconds limit,
         int cancel_fd)
{
  Options options;
  options.limit = limit;
  options.cancel_fd = cancel_fd;
  return run(program, args, env, options);
}

} // namespace ccaas::spawn
