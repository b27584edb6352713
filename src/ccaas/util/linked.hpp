#pragma once

#include <string>

namespace ccaas {

// A library linked into this binary, with the version it reports of itself at run time (or, for
// one with no such call, the version it was built with): what `--version --verbose` lists, so
// that an operator can answer an advisory for a static binary that no package manager sees.
// Each library's report is defined beside the code that uses it (tls/pem.cpp for OpenSSL,
// probe/grpc_call.cpp for libcurl, ...), so a binary carries it exactly when it carries the
// library; cli/version.cpp asks through weak references, which pull nothing in.
struct LinkedLibrary {
  std::string name;
  std::string version;
  std::string source; // where the version came from: "curl_version_info", "built with; header-only"
};

} // namespace ccaas
