#pragma once

#include "ccaas/config/template.hpp"
#include "ccaas/steps/context.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

// `run --package`: the chaincode package the peer installs (metadata.json and code.tar.gz), made
// so that its bytes, and so its package ID (label:sha256 of the file), depend on its inputs alone:
// every org, environment and pipeline that packages the same connection.json and indexes
// installs the same ID, and the chaincode server's CHAINCODE_ID is known before any install.
namespace ccaas::steps {

struct PackageInput {
  std::filesystem::path dir; // connection.json, and the indexes under META-INF/ (metadata/ for external)
  std::string label;
  std::string type = "ccaas";         // ccaas or external
  std::filesystem::path output;       // the package file to write
  config::TemplateData template_data; // CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: a rendering to check, when set
};

struct PackageResult {
  std::filesystem::path output;
  std::string package_id;
  std::string sha256;
  std::size_t bytes = 0;
  std::vector<std::string> files; // what code.tar.gz holds, in its order
};

// Validates connection.json as build does (one line per problem, then ReportedFailure), reads
// the indexes, and writes the package atomically: nothing at all at output on any failure.
PackageResult make_package(const PackageInput& input, Context& context);

// The package's bytes for these files: metadata.json, then code.tar.gz of files (sorted by
// name), each reproducible (util/tar_writer.hpp). For the tests that pin them.
std::string package_bytes(const std::string& type,
                          const std::string& label,
                          std::vector<std::pair<std::string, std::string>> files);

} // namespace ccaas::steps
