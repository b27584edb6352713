#include "ccaas/util/process_view.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>

extern char** environ;

namespace ccaas::process {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_max_proc_file = 4 * 1024 * 1024;

// A /proc file: its size says 0, so it is read to its end. errno is kept for the caller.
bool read_proc(const fs::path& path, std::string& out, int& error)
{
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    error = errno;
    return false;
  }
  out.clear();
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      error = errno;
      return false;
    }
    if (n == 0 || out.size() > k_max_proc_file) {
      return true;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::map<std::string, std::string> parse_environ(const std::string& text)
{
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\0', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string entry = text.substr(start, end - start);
    const std::size_t eq = entry.find('=');
    if (eq != std::string::npos && eq > 0) {
      out.emplace(entry.substr(0, eq), entry.substr(eq + 1)); // the first one wins, as Go's os.Getenv
    }
    start = end + 1;
  }
  return out;
}

// "Uid:\t1000\t1000\t1000\t1000": the real one.
unsigned long id_field(const std::string& status, const char* key)
{
  std::istringstream lines(status);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key, 0) == 0) {
      return std::stoul(line.substr(std::strlen(key)));
    }
  }
  return 0;
}

std::string refused(pid_t pid, const std::string& what, int error)
{
  return "process " + std::to_string(pid) + ": cannot read " + what + ": " + std::strerror(error)
         + ": reading another user's process needs CAP_SYS_PTRACE: start the debug container with "
           "`kubectl debug --profile=general` (or --profile=sysadmin), or `docker run --cap-add SYS_PTRACE`, "
           "or run the doctor as the peer's user";
}

// What /proc/PID/stat says of a running process: its name (field 2, comm, in parentheses) and its
// start time (field 22, clock ticks since boot); nothing for a zombie or a dead one (field 3, the
// state, Z or X). The name may hold spaces and parentheses, so it ends at the last ')'.
struct Started {
  std::string name;
  unsigned long long ticks = 0;
};

std::optional<Started> started_if_running(const std::string& stat)
{
  const std::size_t open = stat.find('(');
  const std::size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return std::nullopt;
  }
  std::istringstream fields(stat.substr(close + 1));
  std::string state;
  std::string field;
  if (!(fields >> state) || state == "Z" || state == "X") {
    return std::nullopt;
  }
  for (int i = 4; i <= 22; ++i) {
    if (!(fields >> field)) {
      return std::nullopt;
    }
  }
  try {
    return Started{stat.substr(open + 1, close - open - 1), std::stoull(field)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A file of the process that could not be read: it ended meanwhile (ENOENT, ESRCH), or the kernel
// refused (the doctor's own trouble).
[[noreturn]] void unreadable(pid_t pid, const std::string& what, int error)
{
  if (error == ENOENT || error == ESRCH) {
    throw Failure("process " + std::to_string(pid) + ": it ended while the doctor read " + what);
  }
  throw OwnTrouble(refused(pid, what, error));
}

} // namespace

std::vector<pid_t> processes_named(const std::string& name)
{
  std::vector<std::pair<unsigned long long, pid_t>> found;
  const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
  if (!proc) {
    return {};
  }
  const pid_t self = ::getpid();
  while (const dirent* entry = ::readdir(proc.get())) {
    const std::string number = entry->d_name;
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 9) {
      continue;
    }
    const auto pid = static_cast<pid_t>(std::stol(number));
    std::string stat;
    int error = 0;
    if (pid == self || !read_proc(fs::path("/proc") / number / "stat", stat, error)) {
      continue;
    }
    const std::optional<Started> started = started_if_running(stat);
    if (started && started->name == name) {
      found.emplace_back(started->ticks, pid);
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<pid_t> out;
  out.reserve(found.size());
  for (const auto& [started, pid] : found) {
    out.push_back(pid);
  }
  return out;
}

ProcessView read_process(pid_t pid)
{
  const fs::path dir = fs::path("/proc") / std::to_string(pid);
  ProcessView view;
  view.pid = pid;
  std::string status;
  int error = 0;
  if (!read_proc(dir / "status", status, error)) {
    if (error == ENOENT || error == ESRCH) {
      throw Failure("process " + std::to_string(pid)
                    + ": no such process here: the doctor must share the peer's process namespace "
                      "(`kubectl debug --target=PEER_CONTAINER`, `docker run --pid container:PEER`)");
    }
    throw OwnTrouble(refused(pid, (dir / "status").string(), error));
  }
  view.uid = static_cast<uid_t>(id_field(status, "Uid:"));
  view.gid = static_cast<gid_t>(id_field(status, "Gid:"));
  std::string text;
  if (!read_proc(dir / "environ", text, error)) {
    unreadable(pid, "its environment (" + (dir / "environ").string() + ")", error);
  }
  view.environ = parse_environ(text);
  // The root: following it needs the same access as environ; a listing proves it.
  struct stat st = {};
  if (::stat((dir / "root" / ".").c_str(), &st) != 0 || ::access((dir / "root").c_str(), R_OK | X_OK) != 0) {
    unreadable(pid, "its file system (" + (dir / "root").string() + ")", errno);
  }
  view.root = file::RootView(dir / "root");
  if (!read_proc(dir / "mountinfo", view.mountinfo, error)) {
    view.mountinfo.clear(); // only the noexec finding needs it
  }
  if (read_proc(dir / "comm", view.command, error) && !view.command.empty() && view.command.back() == '\n') {
    view.command.pop_back();
  }
  return view;
}

std::map<std::string, std::string> own_environ()
{
  std::map<std::string, std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const std::size_t eq = text.find('=');
    if (eq != std::string::npos && eq > 0) {
      out.emplace(text.substr(0, eq), text.substr(eq + 1));
    }
  }
  return out;
}

ProcessView read_self()
{
  ProcessView view;
  view.pid = ::getpid();
  view.uid = ::getuid();
  view.gid = ::getgid();
  view.environ = own_environ();
  int error = 0;
  if (!read_proc("/proc/self/mountinfo", view.mountinfo, error)) {
    view.mountinfo.clear();
  }
  return view;
}

} // namespace ccaas::process
