#include "ccaas/util/spawn.hpp"

#include "ccaas/util/fd.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

void record(Exit& exit, int status)
{
  if (WIFEXITED(status)) {
    exit.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
  }
}

// What the child says when it fails before the program runs: the step, then errno.
enum Step : int { step_exec = 1, step_chroot, step_chdir, step_user, step_fds };

[[noreturn]] void child_fails(int report_fd, int step)
{
  const int message[2] = {step, errno};
  [[maybe_unused]] const ssize_t n = ::write(report_fd, message, sizeof message);
  ::_exit(127);
}

// In the child, between fork and exec: async-signal-safe calls only.
[[noreturn]] void child(const char* program,
                        char* const* argv,
                        char* const* envp,
                        const Options& options,
                        int null_fd,
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
  // The fds it is handed, first moved out of the way of 0..2 and 3.., then put in place.
  int moved[8] = {};
  const std::size_t count = options.pass_fds.size() < 8 ? options.pass_fds.size() : 8;
  for (std::size_t i = 0; i < count; ++i) {
    moved[i] = ::fcntl(options.pass_fds[i], F_DUPFD_CLOEXEC, 64);
    if (moved[i] < 0) {
      fail(step_fds);
    }
  }
  if (::dup2(null_fd, 0) < 0 || ::dup2(null_fd, 1) < 0 || ::dup2(stderr_fd >= 0 ? stderr_fd : null_fd, 2) < 0) {
    fail(step_fds);
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (::dup2(moved[i], static_cast<int>(3 + i)) < 0) {
      fail(step_fds);
    }
  }
  if (!options.root.empty()) {
    if (::chroot(options.root.c_str()) != 0) {
      fail(step_chroot);
    }
    if (options.cwd_fd >= 0 ? ::fchdir(options.cwd_fd) != 0 : ::chdir("/") != 0) {
      fail(step_chdir);
    }
  }
  if (options.uid) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(options.gid, options.gid, options.gid) != 0
        || ::setresuid(*options.uid, *options.uid, *options.uid) != 0) {
      fail(step_user);
    }
  }
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

} // namespace

Exit run(const std::string& program,
         const std::vector<std::string>& args,
         const std::vector<std::string>& env,
         const Options& options)
{
  Exit exit;
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings(env);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);

  const UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  int report_pipe[2] = {-1, -1};
  int stderr_pipe[2] = {-1, -1};
  if (null_fd.get() < 0 || ::pipe2(report_pipe, O_CLOEXEC) != 0) {
    exit.error = std::string("cannot start: ") + std::strerror(errno);
    return exit;
  }
  UniqueFd report_read(report_pipe[0]);
  UniqueFd report_write(report_pipe[1]);
  UniqueFd stderr_read;
  UniqueFd stderr_write;
  if (options.capture_stderr) {
    if (::pipe2(stderr_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
      exit.error = std::string("cannot start: ") + std::strerror(errno);
      return exit;
    }
    stderr_read.reset(stderr_pipe[0]);
    stderr_write.reset(stderr_pipe[1]);
  }

  const Clock::time_point start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    exit.error = std::string("cannot start (fork): ") + std::strerror(errno);
    return exit;
  }
  if (pid == 0) {
    child(program.c_str(), argv.data(), envp.data(), options, null_fd.get(), stderr_write.get(), report_write.get());
  }
  report_write.reset();
  stderr_write.reset();
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
    exit.setup_refused = message[0] == step_chroot || message[0] == step_user || message[0] == step_chdir;
    exit.error = std::string(step_words(message[0])) + ": " + std::strerror(message[1]);
    exit.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return exit;
  }
  exit.started = true;
  const Clock::time_point end = start + options.limit;
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
    // 2 ms at a time (a detect takes a few), or until a termination signal or its stderr.
    pollfd fds[2] = {{options.cancel_fd, POLLIN, 0}, {stderr_read.get(), POLLIN, 0}};
    if (::poll(fds, 2, 2) > 0) {
      exit.cancelled = (fds[0].revents & POLLIN) != 0;
      if (stderr_read.get() >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) {
        drain(stderr_read.get(), exit.stderr_text);
        if ((fds[1].revents & POLLHUP) != 0) {
          stderr_read.reset(); // closed: poll it no more
        }
      }
    }
  }
  if (stderr_read.get() >= 0) {
    drain(stderr_read.get(), exit.stderr_text); // what is there; a child it left may hold it open
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
