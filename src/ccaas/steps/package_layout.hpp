#pragma once

#include "ccaas/util/targz.hpp"

#include <filesystem>

namespace ccaas::steps {

// A package file laid out as the peer lays it out before detect and build (NewBuildContext in
// core/container/externalbuilder/externalbuilder.go): metadata.json in a metadata directory,
// code.tar.gz unpacked into src, both under work, directories 0700.
struct PackageLayout {
  std::filesystem::path src;
  std::filesystem::path metadata_dir;
};

PackageLayout lay_out_package(const std::filesystem::path& file,
                              const std::filesystem::path& work,
                              const file::ExtractLimits& limits = {});

} // namespace ccaas::steps
