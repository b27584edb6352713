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
// The same for bytes already read (from another process's root), named shown.
LoadedConnection parse_rendered_connection(std::string bytes,
                                           const std::filesystem::path& shown,
                                           std::int64_t now,
                                           log::Reporter& reporter);

// Writes bytes as base/relative atomically (synced, then renamed), mode 0600 when the connection
// holds a private key anywhere, else 0644, creating the folders between with mode 0750 and
// refusing one that is a link: nothing is written outside base, the folder the peer gave the step.
// Returns the path written.
std::filesystem::path publish_connection(const std::filesystem::path& base,
                                         const std::filesystem::path& relative,
                                         const LoadedConnection& loaded);

// Reports each warning; reports each error and throws ReportedFailure when there is one.
void report(const contract::Diagnostics& diags, log::Reporter& reporter);

} // namespace ccaas::steps
