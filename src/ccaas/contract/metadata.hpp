#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ccaas::contract {

// CHAINCODE_METADATA_DIR/metadata.json, as the peer stores it from the package:
// {"type": "...", "label": "...", "path": "..."}; unknown keys are ignored, as by the peer.
struct Metadata {
  std::string type;  // empty when absent
  std::string label; // empty when absent
};

inline constexpr const char* k_metadata_file = "metadata.json";

// Parses metadata.json's text; where names it in errors.
Metadata parse_metadata(std::string_view text, const std::string& where);

// Throws Failure naming the file and field when the file is missing, not a JSON object, or
// has a type or label that is not a string.
Metadata read_metadata(const std::filesystem::path& metadata_dir);

// Fabric's ccaas_builder claims type "ccaas" in any case (strings.ToLower).
bool is_ccaas_type(const std::string& type);

} // namespace ccaas::contract
