#include "ccaas/util/process_view.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

// A /proc file: its size says 0, so it is read to its end, at most k_max_proc_file bytes; one
// longer is an error (E2BIG) rather than a silent cut. errno is kept for the caller.
bool read_proc_at(int dir, const char* name, std::string& out, int& error)
{
  const UniqueFd fd(::openat(dir, name, O_RDONLY | O_CLOEXEC));
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
    if (n == 0) {
      return true;
    }
    if (out.size() + static_cast<std::size_t>(n) > k_max_proc_file) {
      error = E2BIG;
      return false;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

bool read_proc(const fs::path& path, std::string& out, int& error)
{
  return read_proc_at(AT_FDCWD, path.c_str(), out, error);
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

// A line of /proc/PID/status after its key ("Uid:\t1000\t1000\t1000\t1000"), or "".
std::string status_field(const std::string& status, const char* key)
{
  std::istringstream lines(status);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key, 0) == 0) {
      return line.substr(std::strlen(key));
    }
  }
  return {};
}

// The numbers of a status line: "Uid:" real, effective, saved, file system; "Groups:" each group.
std::vector<unsigned long> numbers(const std::string& text)
{
  std::vector<unsigned long> out;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    try {
      out.push_back(std::stoul(word));
    } catch (const std::exception&) {
      return out;
    }
  }
  return out;
}

// "CapEff:\t00000000a80425fb": a hexadecimal mask; all bits when missing (never less than it has).
std::uint64_t mask_field(const std::string& status, const char* key)
{
  const std::string value = status_field(status, key);
  try {
    return value.empty() ? ~0ULL : std::stoull(value, nullptr, 16);
  } catch (const std::exception&) {
    return ~0ULL;
  }
}

std::string refused(pid_t pid, const std::string& what, int error)
{
  if (error == E2BIG) {
    return "process " + std::to_string(pid) + ": " + what + " is larger than the doctor reads ("
           + std::to_string(k_max_proc_file / (1024 * 1024)) + " MiB): not read, rather than read in part";
  }
  return "process " + std::to_string(pid) + ": cannot read " + what + ": " + std::strerror(error)
         + ": reading another user's process needs CAP_SYS_PTRACE: start the debug container with "
           "`kubectl debug --profile=general` (or --profile=sysadmin), or `docker run --cap-add SYS_PTRACE`, "
           "or run the doctor as the peer's user";
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

// Running: not a zombie (Z) nor dead (X).
std::optional<ProcessStat> running(const std::string& stat)
{
  std::optional<ProcessStat> parsed = parse_stat(stat);
  if (!parsed || parsed->state == 'Z' || parsed->state == 'X') {
    return std::nullopt;
  }
  return parsed;
}

} // namespace

std::optional<ProcessStat> parse_stat(const std::string& stat)
{
  // The name may hold spaces and parentheses, so it ends at the last ')'.
  const std::size_t open = stat.find('(');
  const std::size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return std::nullopt;
  }
  ProcessStat out;
  try {
    out.pid = static_cast<pid_t>(std::stol(stat.substr(0, open)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  out.name = stat.substr(open + 1, close - open - 1);
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  if (!(fields >> out.state >> out.parent >> out.group >> out.session)) {
    return std::nullopt;
  }
  for (int i = 7; i <= 22; ++i) {
    if (!(fields >> field)) {
      return std::nullopt;
    }
  }
  try {
    out.start = std::stoull(field);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return out;
}

std::vector<ProcessStat> all_processes()
{
  std::vector<ProcessStat> out;
  const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
  if (!proc) {
    return out;
  }
  while (const dirent* entry = ::readdir(proc.get())) {
    const std::string number = entry->d_name;
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 9) {
      continue;
    }
    std::string stat;
    int error = 0;
    if (!read_proc(fs::path("/proc") / number / "stat", stat, error)) {
      continue; // ended meanwhile
    }
    if (std::optional<ProcessStat> parsed = parse_stat(stat)) {
      out.push_back(std::move(*parsed));
    }
  }
  return out;
}

std::vector<pid_t> processes_named(const std::string& name)
{
  std::vector<std::pair<unsigned long long, pid_t>> found;
  const pid_t self = ::getpid();
  for (const ProcessStat& p : all_processes()) {
    if (p.pid != self && p.name == name && p.state != 'Z' && p.state != 'X') {
      found.emplace_back(p.start, p.pid);
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
  // The process itself first, so that every later read is of this one process.
  view.pidfd = std::make_shared<UniqueFd>(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  view.proc_dir = std::make_shared<UniqueFd>(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  const int proc = view.proc_dir->get();
  std::string status;
  std::string stat;
  int error = 0;
  if (proc < 0 || !read_proc_at(proc, "status", status, error) || !read_proc_at(proc, "stat", stat, error)) {
    if (proc < 0) {
      error = errno;
    }
    if (error == ENOENT || error == ESRCH) {
      throw Failure("process " + std::to_string(pid)
                    + ": no such process here: the doctor must share the peer's process namespace "
                      "(`kubectl debug --target=PEER_CONTAINER`, `docker run --pid container:PEER`)");
    }
    throw OwnTrouble(refused(pid, (dir / "status").string(), error));
  }
  const std::optional<ProcessStat> started = running(stat);
  if (!started) {
    throw Failure("process " + std::to_string(pid) + ": it has ended (a zombie): no peer runs there");
  }
  view.started = started->start;
  const std::vector<unsigned long> uids = numbers(status_field(status, "Uid:"));
  const std::vector<unsigned long> gids = numbers(status_field(status, "Gid:"));
  view.uid = static_cast<uid_t>(uids.size() > 1 ? uids[1] : 0);
  view.gid = static_cast<gid_t>(gids.size() > 1 ? gids[1] : 0);
  for (const unsigned long g : numbers(status_field(status, "Groups:"))) {
    view.groups.push_back(static_cast<gid_t>(g));
  }
  view.powers.bounding = mask_field(status, "CapBnd:");
  view.powers.effective = mask_field(status, "CapEff:");
  view.powers.permitted = mask_field(status, "CapPrm:");
  view.powers.no_new_privs = numbers(status_field(status, "NoNewPrivs:")) == std::vector<unsigned long>{1};
  std::string text;
  if (!read_proc_at(proc, "environ", text, error)) {
    unreadable(pid, "its environment (" + (dir / "environ").string() + ")", error);
  }
  view.environ = parse_environ(text);
  // The root, kept open: every later path of the peer's is resolved from it. Opening it needs the
  // same access as environ.
  UniqueFd root(::openat(proc, "root", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0 || ::faccessat(proc, "root", R_OK | X_OK, 0) != 0) {
    unreadable(pid, "its file system (" + (dir / "root").string() + ")", errno);
  }
  view.root = file::RootView(std::move(root), dir / "root");
  if (!read_proc_at(proc, "mountinfo", view.mountinfo, error)) {
    view.mountinfo.clear(); // only the noexec finding needs it
  }
  if (read_proc_at(proc, "comm", view.command, error) && !view.command.empty() && view.command.back() == '\n') {
    view.command.pop_back();
  }
  // Its working directory as it names it: readlink of cwd gives the path inside its own root.
  std::string cwd(4096, '\0');
  const ssize_t n = ::readlinkat(proc, "cwd", cwd.data(), cwd.size());
  view.cwd = n > 0 && cwd[0] == '/' ? cwd.substr(0, static_cast<std::size_t>(n)) : "/";
  return view;
}

bool still_there(const ProcessView& view)
{
  if (!view.proc_dir) {
    return true;
  }
  if (view.pidfd && view.pidfd->get() >= 0) {
    pollfd exited = {view.pidfd->get(), POLLIN, 0};
    if (::poll(&exited, 1, 0) > 0) {
      return false; // a pidfd is readable once its process has ended
    }
  }
  std::string stat;
  int error = 0;
  if (!read_proc_at(view.proc_dir->get(), "stat", stat, error)) {
    return false;
  }
  const std::optional<ProcessStat> started = running(stat);
  return started && started->start == view.started;
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
