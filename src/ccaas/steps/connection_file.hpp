#pragma once

#include "ccaas/contract/connection.hpp"
#include "ccaas/util/log.hpp"

#include <filesystem>
#include <string>

// Reading and publishing connection.json, shared by build, release and run.
namespace ccaas::steps {

struct LoadedConnection {
  std::string bytes; // the file as read, written on unchanged
  contract::Connection connection;
};

// Reads and validates a rendered connection.json (BLD/connection.json), except the key pairing
// build checked. Reports every warning and error, one line each; throws ReportedFailure when
// there is an error. missing_hint completes the message when the file does not exist.
LoadedConnection load_rendered_connection(const std::filesystem::path& path,
                                          const std::string& missing_hint,
                                          std::int64_t now,
                                          log::Reporter& reporter);

// Writes bytes as path atomically, mode 0600 when the connection holds a private key anywhere,
// else 0644, creating missing parent directories with mode 0750.
void publish_connection(const std::filesystem::path& path, const LoadedConnection& loaded);

// Reports each warning; reports each error and throws ReportedFailure when there is one.
void report(const contract::Diagnostics& diags, log::Reporter& reporter);

} // namespace ccaas::steps
