#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace ccaas::steps {

struct BuildInput {
  std::filesystem::path source_dir;                // CHAINCODE_SOURCE_DIR: code.tar.gz unpacked
  std::filesystem::path metadata_dir;              // CHAINCODE_METADATA_DIR: metadata.json
  std::filesystem::path output_dir;                // BUILD_OUTPUT_DIR
  std::optional<std::string> builder_config;       // CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG
  std::optional<std::string> default_dial_timeout; // CCAAS_BUILDER_DIAL_TIMEOUT
  std::int64_t now = 0;                            // seconds since the epoch, for certificate validity
};

// Validates and renders SRC/connection.json into BLD/connection.json, and copies metadata.json
// and META-INF/ (CouchDB indexes) into BLD. Throws Failure or ReportedFailure; writes nothing
// partial: each output appears whole or not at all.
void build(const BuildInput& input);

} // namespace ccaas::steps
