#include "ccaas/util/root_path.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

namespace ccaas::file {

namespace fs = std::filesystem;

namespace {

// Linux's own bound on links followed in one lookup (MAXSYMLINKS).
constexpr int k_max_links = 40;

std::atomic<bool> g_force_walk{false};
std::atomic<bool> g_no_openat2{false};

std::vector<std::string> components(const fs::path& path)
{
  std::vector<std::string> out;
  for (const fs::path& part : path.relative_path()) {
    const std::string name = part.string();
    if (!name.empty() && name != ".") {
      out.push_back(name);
    }
  }
  return out;
}

std::string read_link_at(int fd)
{
  std::string target(4096, '\0');
  const ssize_t n = ::readlinkat(fd, "", target.data(), target.size());
  if (n <= 0) {
    return {};
  }
  target.resize(static_cast<std::size_t>(n));
  return target;
}

struct Walked {
  int fd = -1;                    // or -errno
  std::vector<std::string> names; // the resolved components, and the rest as written when it failed
};

// The walk: a stack of the folders passed (".." pops one, never above the root), each component
// opened O_PATH | O_NOFOLLOW from the one before, a link's target pushed in its place (an
// absolute one from the root again). Only the last component is opened with the caller's flags,
// and checked to be what the walk found.
Walked walk(int root, const fs::path& path, int flags, Last last)
{
  Walked out;
  std::vector<UniqueFd> dirs; // below the root; empty: at the root
  std::vector<std::string> pending = components(path);
  std::vector<std::string> todo(pending.rbegin(), pending.rend());
  int links = 0;
  const auto here = [&]() { return dirs.empty() ? root : dirs.back().get(); };
  const auto fail = [&](int error, const std::string& name) {
    out.names.push_back(name);
    out.names.insert(out.names.end(), todo.rbegin(), todo.rend());
    out.fd = -error;
    return out;
  };
  const bool want_path = (flags & O_PATH) != 0;
  while (!todo.empty()) {
    const std::string name = todo.back();
    todo.pop_back();
    if (name == "..") {
      if (!dirs.empty()) {
        dirs.pop_back();
        out.names.pop_back();
      }
      continue;
    }
    const bool is_last = todo.empty();
    UniqueFd fd(::openat(here(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
      return fail(errno, name);
    }
    struct stat st = {};
    if (::fstatat(fd.get(), "", &st, AT_EMPTY_PATH) != 0) {
      return fail(errno, name);
    }
    if (S_ISLNK(st.st_mode)) {
      if (is_last && last == Last::nofollow) {
        if (!want_path) {
          return fail(ELOOP, name); // open(O_NOFOLLOW) of a link
        }
        out.names.push_back(name);
        out.fd = fd.release();
        return out;
      }
      if (++links > k_max_links) {
        return fail(ELOOP, name);
      }
      const std::string target = read_link_at(fd.get());
      if (target.empty()) {
        return fail(ENOENT, name);
      }
      if (fs::path(target).is_absolute()) {
        dirs.clear();
        out.names.clear();
      }
      const std::vector<std::string> more = components(target);
      todo.insert(todo.end(), more.rbegin(), more.rend());
      continue;
    }
    out.names.push_back(name);
    if (!is_last) {
      if (!S_ISDIR(st.st_mode)) {
        out.names.pop_back();
        return fail(ENOTDIR, name);
      }
      dirs.push_back(std::move(fd));
      continue;
    }
    if ((flags & O_DIRECTORY) != 0 && !S_ISDIR(st.st_mode)) {
      out.fd = -ENOTDIR;
      return out;
    }
    if (want_path) {
      out.fd = fd.release();
      return out;
    }
    // The open with the caller's flags, by name once more: it must meet the same file.
    UniqueFd opened(::openat(here(), name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC));
    struct stat again = {};
    if (opened.get() < 0) {
      out.fd = -errno;
      return out;
    }
    if (::fstat(opened.get(), &again) != 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
      out.fd = -EAGAIN; // swapped while it was looked at
      return out;
    }
    out.fd = opened.release();
    return out;
  }
  // The path ends at a folder (the root itself, or a trailing ".."): open it.
  const int fd = ::openat(here(), ".", (want_path ? O_PATH : flags) | O_DIRECTORY | O_CLOEXEC);
  out.fd = fd < 0 ? -errno : fd;
  return out;
}

int open_in_root(int root, const fs::path& path, int flags, Last last)
{
  if (!g_force_walk && !g_no_openat2) {
    open_how how = {};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC | (last == Last::nofollow ? O_NOFOLLOW : 0));
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    const std::string relative = path.is_absolute() ? path.string() : "/" + path.string();
    for (int attempt = 0; attempt < 8; ++attempt) {
      const long fd = ::syscall(SYS_openat2, root, relative.c_str(), &how, sizeof how);
      if (fd >= 0) {
        return static_cast<int>(fd);
      }
      if (errno == EAGAIN) {
        continue; // a rename raced with the lookup: the kernel asks for another try
      }
      if (errno != ENOSYS) {
        return -errno;
      }
      g_no_openat2 = true;
      break;
    }
    if (!g_no_openat2) {
      return -EAGAIN;
    }
  }
  return walk(root, path, flags, last).fd;
}

} // namespace

void force_walk_for_tests(bool on)
{
  g_force_walk = on;
}

InRoot::InRoot(fs::path shown, UniqueFd fd, int error, mode_t special)
  : m_shown(std::move(shown))
  , m_fd(std::move(fd))
  , m_error(special != 0 ? EINVAL : error)
  , m_special(special)
{
}

fs::path InRoot::path() const
{
  if (!ok()) {
    return "/proc/self/fd/-1/unresolved";
  }
  return "/proc/self/fd/" + std::to_string(m_fd.get());
}

bool InRoot::stat(struct stat& st) const
{
  if (!ok()) {
    errno = m_error;
    return false;
  }
  return ::fstatat(m_fd.get(), "", &st, AT_EMPTY_PATH) == 0;
}

RootView::RootView()
  : m_root("/")
  , m_own(true)
{
}

RootView::RootView(UniqueFd root_fd, fs::path shown)
  : m_fd(std::make_shared<UniqueFd>(std::move(root_fd)))
  , m_root(std::move(shown))
  , m_own(false)
{
}

InRoot RootView::open(const fs::path& path, int flags, Last last) const
{
  // First only looked up (O_PATH): opening a device can act (a watchdog starts counting, a tape
  // rewinds), so only a regular file or a folder is then opened with the flags asked for, through
  // the descriptor found, which is the same file whatever its name meanwhile names.
  const int found = m_own ? ::open(path.c_str(), O_PATH | O_CLOEXEC | (last == Last::nofollow ? O_NOFOLLOW : 0))
                          : open_in_root(m_fd->get(), path, O_PATH | (flags & O_DIRECTORY), last);
  if (found < 0) {
    return {path, UniqueFd(), m_own ? errno : -found};
  }
  UniqueFd fd(found);
  if (flags == 0 || flags == O_PATH || (flags & O_PATH) != 0) {
    return {path, std::move(fd), 0};
  }
  struct stat st = {};
  if (::fstat(fd.get(), &st) != 0) {
    return {path, UniqueFd(), errno};
  }
  if (S_ISLNK(st.st_mode)) {
    return {path, UniqueFd(), ELOOP}; // open(O_NOFOLLOW) of a link
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return {path, UniqueFd(), 0, st.st_mode};
  }
  const std::string self = "/proc/self/fd/" + std::to_string(fd.get());
  const int opened = ::open(self.c_str(), (flags & ~(O_NOFOLLOW | O_CREAT | O_TRUNC)) | O_CLOEXEC);
  return {path, UniqueFd(opened), opened < 0 ? errno : 0};
}

fs::path RootView::resolved(const fs::path& path) const
{
  if (m_own) {
    return path;
  }
  const Walked walked = walk(m_fd->get(), path, O_PATH, Last::follow);
  if (walked.fd >= 0) {
    ::close(walked.fd);
  }
  fs::path out = "/";
  for (const std::string& name : walked.names) {
    out /= name;
  }
  return out;
}

std::string read_in_root(const RootView& root, const fs::path& path, std::size_t max_bytes, Last last)
{
  return read_opened(root.open(path, O_RDONLY | O_NONBLOCK, last), max_bytes, last);
}

std::string read_opened(const InRoot& file, std::size_t max_bytes, Last last)
{
  const fs::path& path = file.shown();
  if (!file.ok()) {
    if (file.special() != 0) {
      const mode_t kind = file.special();
      throw Failure(path.string() + ": "
                    + (S_ISFIFO(kind)   ? "is a FIFO"
                       : S_ISSOCK(kind) ? "is a socket"
                                        : "is a device")
                    + ", not a regular file");
    }
    if (file.error() == ENOENT) {
      throw Failure(path.string() + " not found");
    }
    if (file.error() == ELOOP && last == Last::nofollow) {
      throw Failure(path.string() + ": is a symlink: refusing to follow it");
    }
    throw Failure(path.string() + ": cannot open: " + std::strerror(file.error()));
  }
  return read_regular_fd(file.fd(), path, max_bytes);
}

} // namespace ccaas::file
