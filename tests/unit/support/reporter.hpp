#pragma once

#include "ccaas/util/log.hpp"

#include <string>
#include <vector>

namespace test_support {

// Keeps every line a step reports, as "info: ...", "warning: ...", "error: ...".
class CapturingReporter final : public ccaas::log::Reporter
{
public:
  void info(std::string_view message) override { lines.push_back("info: " + std::string(message)); }
  void warning(std::string_view message) override { lines.push_back("warning: " + std::string(message)); }
  void error(std::string_view message) override { lines.push_back("error: " + std::string(message)); }

  std::vector<std::string> lines;
};

} // namespace test_support
