#pragma once

#include "ccaas/config/settings.hpp"
#include "ccaas/config/template.hpp"
#include "ccaas/steps/context.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace ccaas::steps {

struct BuildInput {
  std::filesystem::path source_dir;                // CHAINCODE_SOURCE_DIR: code.tar.gz unpacked
  std::filesystem::path metadata_dir;              // CHAINCODE_METADATA_DIR: metadata.json
  std::filesystem::path output_dir;                // BUILD_OUTPUT_DIR
  config::TemplateData template_data;              // CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, parsed
  std::optional<std::string> default_dial_timeout; // CCAAS_BUILDER_DIAL_TIMEOUT, a valid Go duration
  config::PackageTypes types;                      // CCAAS_BUILDER_TYPES
};

// Validates and renders SRC/connection.json into BLD/connection.json, and copies metadata.json
// and META-INF/ (CouchDB indexes; metadata/ for an external package, as fabric-samples'
// sampleBuilder lays them out) into BLD. Throws Failure or ReportedFailure; writes nothing
// partial: each output appears whole or not at all.
Outcome build(const BuildInput& input, Context& context);

} // namespace ccaas::steps
