#include "ccaas/util/file.hpp"

#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace ccaas::file {

namespace {

constexpr int k_max_depth = 64;

std::string describe(const fs::path& path, std::string_view cause)
{
  return path.string() + ": " + std::string(cause);
}

[[noreturn]] void fail_errno(const fs::path& path, std::string_view doing, int err)
{
  std::string cause(doing);
  if (!cause.empty()) {
    cause += ": ";
  }
  cause += std::strerror(err);
  throw Failure(describe(path, cause));
}

const char* kind_of(mode_t mode)
{
  if (S_ISDIR(mode)) {
    return "a directory";
  }
  if (S_ISLNK(mode)) {
    return "a symlink";
  }
  if (S_ISFIFO(mode)) {
    return "a FIFO";
  }
  if (S_ISSOCK(mode)) {
    return "a socket";
  }
  if (S_ISCHR(mode) || S_ISBLK(mode)) {
    return "a device";
  }
  return "not a regular file";
}

void write_all(int fd, std::string_view content, const fs::path& path)
{
  if (const int err = write_fully(fd, content); err != 0) {
    fail_errno(path, "cannot write", err);
  }
}

// "<dir>/.<name>.tmpXXXXXX", the mkstemp/mkdtemp pattern for a temporary beside target.
std::string temp_pattern(const fs::path& target)
{
  std::string name(".");
  name.append(target.filename().string());
  name.append(".tmpXXXXXX");
  return (target.parent_path() / name).string();
}

// A unique hidden name beside target, created with the given mode.
std::pair<fs::path, int> create_temp_beside(const fs::path& target, mode_t mode)
{
  std::string pattern = temp_pattern(target);
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    fail_errno(target, "cannot create", errno); // the file the user named, not its folder
  }
  if (::fchmod(fd, mode) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(pattern.c_str());
    fail_errno(target, "cannot set mode", err);
  }
  return {fs::path(pattern), fd};
}

void copy_file_contents(const fs::path& from, const fs::path& to, mode_t mode, std::vector<char>& buffer)
{
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (in.get() < 0) {
    fail_errno(from, "cannot open", errno);
  }
  struct stat st = {};
  if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw Failure(describe(from, std::string("is ") + kind_of(st.st_mode) + ", not a regular file"));
  }
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (out.get() < 0) {
    fail_errno(to, "cannot create", errno);
  }
  for (;;) {
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      fail_errno(from, "cannot read", errno);
    }
    if (n == 0) {
      break;
    }
    write_all(out.get(), std::string_view(buffer.data(), static_cast<std::size_t>(n)), to);
  }
  if (::fchmod(out.get(), mode) != 0) {
    fail_errno(to, "cannot set mode", errno);
  }
  if (::fsync(out.get()) != 0) {
    fail_errno(to, "cannot write", errno);
  }
}

std::size_t copy_dir_contents(const fs::path& from, const fs::path& to, int depth, std::vector<char>& buffer)
{
  if (depth > k_max_depth) {
    throw Failure(describe(from, "is nested more than 64 directories deep"));
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(from.c_str()), ::closedir);
  if (!dir) {
    fail_errno(from, "cannot read directory", errno);
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) {
        fail_errno(from, "cannot read directory", errno); // a tree copied in part must not pass as whole
      }
      break;
    }
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      names.emplace_back(name);
    }
  }
  std::size_t files = 0;
  for (const std::string& name : names) {
    const fs::path source = from / name;
    const fs::path target = to / name;
    struct stat st = {};
    if (::lstat(source.c_str(), &st) != 0) {
      fail_errno(source, "", errno);
    }
    if (S_ISDIR(st.st_mode)) {
      if (::mkdir(target.c_str(), 0755) != 0) {
        fail_errno(target, "cannot create directory", errno);
      }
      files += copy_dir_contents(source, target, depth + 1, buffer);
    } else if (S_ISREG(st.st_mode)) {
      // Keep the permission bits, as the peer's own CopyDir does, but stay readable by the owner.
      copy_file_contents(source, target, (st.st_mode & 0777) | 0600, buffer);
      ++files;
    } else {
      throw Failure(
        describe(source, std::string("is ") + kind_of(st.st_mode) + ": only directories and regular files are copied"));
    }
  }
  return files;
}

} // namespace

std::string read_regular_fd(int fd, const fs::path& shown, std::size_t max_bytes)
{
  struct stat st = {};
  if (::fstat(fd, &st) != 0) {
    fail_errno(shown, "cannot stat", errno);
  }
  if (!S_ISREG(st.st_mode)) {
    throw Failure(describe(shown, std::string("is ") + kind_of(st.st_mode) + ", not a regular file"));
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    throw Failure(
      describe(shown, "is " + std::to_string(st.st_size) + " bytes; the limit is " + std::to_string(max_bytes)));
  }
  std::string content(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::read(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      fail_errno(shown, "cannot read", errno);
    }
    if (n == 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  content.resize(done);
  return content;
}

std::string read_regular_file(const fs::path& path, std::size_t max_bytes, Links links)
{
  // O_NONBLOCK: opening a FIFO must not hang the peer's install.
  const int nofollow = links == Links::refuse ? O_NOFOLLOW : 0;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | nofollow | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ELOOP && links == Links::refuse) {
      throw Failure(describe(path, "is a symlink: refusing to follow it"));
    }
    if (err == ENOENT) {
      // Fabric's own words ("metadata.json not found"), which runbooks and its tests grep for.
      throw Failure(path.string() + " not found");
    }
    fail_errno(path, "cannot open", err);
  }
  return read_regular_fd(fd.get(), path, max_bytes);
}

bool exists_nofollow(const fs::path& path)
{
  struct stat st = {};
  return ::lstat(path.c_str(), &st) == 0;
}

void write_atomic(const fs::path& target, std::string_view content, mode_t mode)
{
  auto [temp, raw_fd] = create_temp_beside(target, mode);
  UniqueFd fd(raw_fd);
  try {
    // Errors name the target, the file the operator knows; the temporary is removed below.
    write_all(fd.get(), content, target);
    if (::fsync(fd.get()) != 0) {
      fail_errno(target, "cannot write", errno);
    }
    if (::close(fd.release()) != 0) {
      fail_errno(target, "cannot write", errno);
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      fail_errno(target, "cannot replace", errno);
    }
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
}

void make_dirs(const fs::path& dir, mode_t mode)
{
  fs::path current;
  for (const fs::path& part : dir) {
    current /= part;
    if (::mkdir(current.c_str(), mode) == 0 || errno == EEXIST) {
      continue;
    }
    fail_errno(current, "cannot create directory", errno);
  }
  struct stat st = {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw Failure(describe(dir, "is not a directory"));
  }
}

fs::path make_dirs_below(const fs::path& base, const fs::path& relative, mode_t mode)
{
  fs::path current = base;
  for (const fs::path& part : relative) {
    if (part.empty() || part == "." || part == "..") {
      throw Failure(describe(base / relative, "names a folder outside " + base.string()));
    }
    current /= part;
    if (::mkdir(current.c_str(), mode) != 0 && errno != EEXIST) {
      fail_errno(current, "cannot create directory", errno);
    }
    struct stat st = {};
    if (::lstat(current.c_str(), &st) != 0) {
      fail_errno(current, "", errno);
    }
    if (!S_ISDIR(st.st_mode)) {
      throw Failure(describe(current, std::string("is ") + kind_of(st.st_mode) + ": refusing to write through it"));
    }
  }
  return current;
}

std::size_t copy_tree_atomic(const fs::path& source, const fs::path& target)
{
  struct stat st = {};
  if (::lstat(source.c_str(), &st) != 0) {
    fail_errno(source, "", errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    throw Failure(describe(source, std::string("is ") + kind_of(st.st_mode) + ", not a directory"));
  }
  std::string pattern = temp_pattern(target);
  if (::mkdtemp(pattern.data()) == nullptr) {
    fail_errno(target.parent_path(), "cannot create a directory", errno);
  }
  const fs::path temp(pattern);
  try {
    ::chmod(temp.c_str(), 0755);
    std::vector<char> buffer(64 * 1024); // one for the whole tree: a tree may hold thousands of files
    const std::size_t files = copy_dir_contents(source, temp, 0, buffer);
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      fail_errno(target, "cannot create", errno);
    }
    return files;
  } catch (...) {
    remove_tree(temp);
    throw;
  }
}

void remove_tree(const fs::path& path)
{
  std::error_code ec;
  fs::remove_all(path, ec); // std::filesystem::remove_all does not follow symlinks
}

} // namespace ccaas::file
