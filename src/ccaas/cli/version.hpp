#pragma once

#include <string>

namespace ccaas::cli {

// "ccaas-builder detect 0.1.0 (commit abc123...)" and the versions of the libraries the
// release binaries are built with, from their headers: detect links none of them, yet reports
// the set it ships with.
std::string version_text(const char* step);

// With verbose, one more line per library linked into this very binary: "linked: OpenSSL 3.0.17
// (OpenSSL_version)", each version read from the library itself at run time.
std::string version_text(const char* step, bool verbose);

} // namespace ccaas::cli
