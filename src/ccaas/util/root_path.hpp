#pragma once

#include "ccaas/util/fd.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

// Another process's file system, seen through /proc/PID/root (proc(5)). The kernel follows that
// link into the process's root, but a symlink met below it whose target is absolute is followed
// from this process's own root, and a path string checked first and opened later can meet a link
// swapped in between. So every path of the other process is resolved here by descriptor, from an
// open descriptor of its root, as its own lookups resolve it: openat2(RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS) where the kernel has it (5.6), else a walk component by component with
// O_PATH | O_NOFOLLOW that keeps the folders it passed, takes ".." at the root as the root, and
// gives up with ELOOP after 40 links, as the kernel does. Nothing that comes back can lie outside
// the root, whatever its links say or become.
namespace ccaas::file {

// Whether the last component, when it is a link, is followed (the peer's own open of a config
// file) or taken as the link itself (lstat, and a package's files, which must not be links).
enum class Last { follow, nofollow };

// A path of the viewed process, resolved: an open descriptor of what it names, or the errno its
// own lookup would meet (ENOENT, ELOOP, ENOTDIR, EACCES...).
class InRoot
{
public:
  // special: the mode of what the path names when it was not opened because it is neither a
  // regular file nor a folder (a device, a FIFO, a socket), and an open other than O_PATH was asked.
  InRoot(std::filesystem::path shown, UniqueFd fd, int error, mode_t special = 0);

  bool ok() const { return m_fd.get() >= 0; }
  int fd() const { return m_fd.get(); }
  int error() const { return m_error; }
  mode_t special() const { return m_special; }
  // The path as the viewed process names it, for messages.
  const std::filesystem::path& shown() const { return m_shown; }
  // For an interface that takes a path: /proc/self/fd/N, which the kernel follows to this very
  // file without looking up a name again; a path that does not exist when it did not resolve.
  std::filesystem::path path() const;
  // fstat of what it names; false (errno set) when it did not resolve.
  bool stat(struct stat& st) const;

private:
  std::filesystem::path m_shown;
  UniqueFd m_fd;
  int m_error;
  mode_t m_special;
};

class RootView
{
public:
  // This process's own file system: paths as given, left to the kernel.
  RootView();
  // root_fd: an open descriptor of the viewed process's root (O_PATH of /proc/PID/root); shown:
  // how to name that root in this process ("/proc/PID/root").
  RootView(UniqueFd root_fd, std::filesystem::path shown);

  bool own() const { return m_own; }
  const std::filesystem::path& root() const { return m_root; }
  int root_fd() const { return m_fd ? m_fd->get() : -1; }

  // Opens a path of the viewed process inside its root, with these open(2) flags (O_PATH by
  // default; O_CLOEXEC and, with Last::nofollow, O_NOFOLLOW are added). A relative path is taken
  // from the root. Anything but a regular file or a folder is only looked up, never opened
  // otherwise (special() says what it is): opening a device can act.
  InRoot open(const std::filesystem::path& path, int flags = 0, Last last = Last::follow) const;

  // The same path as the viewed process names it, every link resolved inside the root: for mount
  // look-ups and messages. A part that cannot be resolved is kept as written.
  std::filesystem::path resolved(const std::filesystem::path& path) const;

private:
  std::shared_ptr<UniqueFd> m_fd;
  std::filesystem::path m_root;
  bool m_own;
};

// Reads a regular file of the viewed process (at most max_bytes), opened inside its root, never
// blocking on a FIFO. Throws Failure naming the file as that process names it: "<path> not found",
// "is a symlink: refusing to follow it" (Last::nofollow), or the cause.
std::string read_in_root(const RootView& root, const std::filesystem::path& path, std::size_t max_bytes, Last last);
// The same for a file already opened (O_RDONLY) with RootView::open.
std::string read_opened(const InRoot& file, std::size_t max_bytes, Last last);

// For tests: the user-space walk even where the kernel has openat2.
void force_walk_for_tests(bool on);

} // namespace ccaas::file
