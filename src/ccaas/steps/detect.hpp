#pragma once

#include "ccaas/config/settings.hpp"
#include "ccaas/steps/context.hpp"

#include <filesystem>

namespace ccaas::steps {

struct DetectInput {
  std::filesystem::path source_dir;
  std::filesystem::path metadata_dir;
  config::PackageTypes types; // CCAAS_BUILDER_TYPES
};

// ok for a ccaas package, not_ours for any other type, silently ("not ours" must not spam the
// peer log); a metadata.json that cannot be read throws Failure, which is worth one line.
Outcome detect(const DetectInput& input);

} // namespace ccaas::steps
