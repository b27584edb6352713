#pragma once

#include <string>
#include <vector>

namespace ccaas::contract {

// The problems found in one contract file: every one is reported, one line each, so that an
// operator fixes them in one go instead of one install at a time.
struct Diagnostics {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;

  bool ok() const { return errors.empty(); }
};

} // namespace ccaas::contract
