#pragma once

#include <string>

namespace ccaas::cli {

// "ccaas-builder detect 0.1.0 (commit abc123...)" and the versions of the libraries the
// release binaries are built with, from their headers: detect links none of them, yet reports
// the set it ships with.
std::string version_text(const char* step);

} // namespace ccaas::cli
