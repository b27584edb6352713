// The tar reader that run --check uses on package files: whatever the bytes, it extracts
// directories and regular files within the limits, or fails with a Failure, and leaves nothing
// behind on failure.
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/targz.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

// One directory for the whole run, removed when the fuzzer exits.
struct WorkDir {
  std::filesystem::path path;
  WorkDir()
  {
    std::string pattern = (std::filesystem::temp_directory_path() / "ccaas-fuzz-targz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::abort();
    }
    path = pattern;
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  ~WorkDir()
  {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

const std::filesystem::path& work()
{
  static const WorkDir dir;
  return dir.path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::filesystem::path archive = work() / "input.tar.gz";
  const std::filesystem::path into = work() / "out";
  std::ofstream(archive, std::ios::binary | std::ios::trunc)
    .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  ccaas::file::remove_tree(into);
  std::filesystem::create_directory(into);
  ccaas::file::ExtractLimits limits;
  limits.max_member = 1 << 20;
  limits.max_total = 4 << 20;
  limits.max_inflated = 8 << 20;
  limits.max_entries = 1000;
  try {
    ccaas::file::extract_tar_gz(archive, into, {}, "fuzz.tar.gz", limits);
  } catch (const ccaas::Failure&) {
    if (!std::filesystem::is_empty(into)) {
      std::abort(); // a failed extraction must leave nothing behind
    }
  }
  return 0;
}
