#pragma once

#include <filesystem>

namespace ccaas::steps {

struct DetectInput {
  std::filesystem::path source_dir;
  std::filesystem::path metadata_dir;
};

// True when the package is a ccaas package. Silent for other types ("not ours" must not spam
// the peer log); a metadata.json that cannot be read throws Failure, which is worth one line.
bool detect(const DetectInput& input);

} // namespace ccaas::steps
