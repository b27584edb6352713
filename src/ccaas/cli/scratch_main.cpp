#include "ccaas/cli/scratch_main.hpp"

#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/metadata.hpp"
#include "ccaas/steps/package_layout.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/targz.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

namespace ccaas::cli {

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

int lay_out(const std::string& tmpdir, const std::string& budget, const std::string& package)
{
  std::string pattern = tmpdir + "/" + k_scratch_prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Failure(tmpdir + ": cannot create a folder there: " + std::strerror(errno));
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
      limits.max_total = std::stoull(budget);
      limits.max_member = std::min(limits.max_member, limits.max_total);
      steps::lay_out_package(package, work, limits);
    }
  } catch (...) {
    file::remove_tree(work);
    throw;
  }
  write_fully(STDOUT_FILENO, work.string() + "\n" + std::to_string(bytes_under(work)) + "\n");
  return 0;
}

int remove(const std::string& dir)
{
  const fs::path path(dir);
  if (path.filename().string().rfind(k_scratch_prefix, 0) != 0) {
    throw Failure(dir + ": not a folder the doctor made");
  }
  file::remove_tree(path);
  return 0;
}

} // namespace

int run_scratch(int argc, char** argv)
{
  const std::string what = argc >= 3 ? argv[2] : "";
  try {
    if (what == "lay-out" && (argc == 5 || argc == 6)) {
      return lay_out(argv[3], argv[4], argc == 6 ? argv[5] : "");
    }
    if (what == "remove" && argc == 4) {
      return remove(argv[3]);
    }
  } catch (const std::exception& e) {
    write_fully(STDERR_FILENO, std::string(e.what()) + "\n");
    return 1;
  }
  write_fully(STDERR_FILENO, "usage: run --doctor-scratch lay-out TMPDIR BUDGET [PACKAGE] | remove DIR\n");
  return 2;
}

} // namespace ccaas::cli
