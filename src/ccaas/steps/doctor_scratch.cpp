#include "ccaas/steps/doctor_scratch.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/metadata.hpp"
#include "ccaas/steps/package_layout.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/targz.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace ccaas::steps {

namespace {

namespace fs = std::filesystem;

// A ccaas package with nothing but what Fabric's ccaas_builder and ours look at.
constexpr const char* k_minimal_metadata = R"({"type":"ccaas","label":"ccaas-builder-doctor"})";
constexpr const char* k_minimal_connection = R"({"address":"chaincode.invalid:7052","dial_timeout":"3s"})";

std::uint64_t bytes_under(const fs::path& dir)
{
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
      total += it->file_size(ec);
    }
  }
  return total;
}

// Removes what lies in the folder dir (an open descriptor), depth first, by name relative to it:
// a link is removed, never followed; a folder closed to its owner is opened up first.
void remove_in(int dir, int depth)
{
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::fdopendir(::dup(dir)), ::closedir);
  if (!listing || depth > 256) {
    return;
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(listing.get())) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") {
      names.push_back(name);
    }
  }
  for (const std::string& name : names) {
    struct stat st = {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      ::fchmodat(dir, name.c_str(), 0700, 0); // a folder is never a link here: lstat said so
      const UniqueFd child(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (child.get() >= 0) {
        remove_in(child.get(), depth + 1);
      }
      ::unlinkat(dir, name.c_str(), AT_REMOVEDIR);
    } else {
      ::unlinkat(dir, name.c_str(), 0);
    }
  }
}

} // namespace

int scratch_lay_out(const std::string& tmpdir, std::uint64_t budget, const fs::path& package)
{
  std::string pattern = tmpdir + "/" + k_scratch_prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    write_fully(STDERR_FILENO,
                tmpdir + ": cannot create a temporary directory: " + std::strerror(errno)
                  + " (set TMPDIR to a writable directory)\n");
    return 1;
  }
  const fs::path work(pattern);
  try {
    if (package.empty()) {
      file::make_dirs(work / "src", 0700);
      file::make_dirs(work / "metadata", 0700);
      file::write_atomic(work / "metadata" / contract::k_metadata_file, k_minimal_metadata, 0600);
      file::write_atomic(work / "src" / contract::k_connection_file, k_minimal_connection, 0600);
    } else {
      file::ExtractLimits limits;
      limits.max_total = budget;
      limits.max_member = std::min(limits.max_member, budget);
      lay_out_package(package, work, limits);
    }
  } catch (const std::exception& e) {
    scratch_remove(work);
    write_fully(STDERR_FILENO, std::string(e.what()) + "\n");
    return 1;
  }
  write_fully(STDOUT_FILENO, work.string() + "\n" + std::to_string(bytes_under(work)) + "\n");
  return 0;
}

int scratch_remove(const fs::path& dir)
{
  if (dir.filename().string().rfind(k_scratch_prefix, 0) != 0) {
    write_fully(STDERR_FILENO, dir.string() + ": not a folder the doctor made\n");
    return 1;
  }
  const UniqueFd folder(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (folder.get() >= 0) {
    remove_in(folder.get(), 0);
  }
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    write_fully(STDERR_FILENO, dir.string() + ": cannot remove: " + std::strerror(errno) + "\n");
    return 1;
  }
  return 0;
}

} // namespace ccaas::steps
