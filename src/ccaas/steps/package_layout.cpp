#include "ccaas/steps/package_layout.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/targz.hpp"

namespace ccaas::steps {

PackageLayout lay_out_package(const std::filesystem::path& file,
                              const std::filesystem::path& work,
                              const file::ExtractLimits& limits)
{
  PackageLayout layout{work / "src", work / "metadata"};
  file::make_dirs(layout.metadata_dir, 0700);
  file::extract_tar_gz(file, layout.metadata_dir, {contract::k_metadata_file, "code.tar.gz"}, {}, limits);
  file::make_dirs(layout.src, 0700);
  file::extract_tar_gz(layout.metadata_dir / "code.tar.gz", layout.src, {}, file.string() + ": code.tar.gz", limits);
  file::remove_tree(layout.metadata_dir / "code.tar.gz"); // the peer's metadata directory holds metadata.json alone
  return layout;
}

} // namespace ccaas::steps
