#pragma once

#include "ccaas/config/settings.hpp"

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
// Where a package keeps its CouchDB indexes (<dir>/statedb/couchdb/...): META-INF/ in a ccaas
// package, metadata/ in an external one (fabric-samples' sampleBuilder copies metadata/* into
// the release directory, which puts statedb/ where the peer reads it).
inline constexpr const char* k_meta_inf_dir = "META-INF";
inline constexpr const char* k_external_index_dir = "metadata";

// Parses metadata.json's text; where names it in errors.
Metadata parse_metadata(std::string_view text, const std::string& where);

// Throws Failure naming the file and field when the file is missing, not a JSON object, or
// has a type or label that is not a string.
Metadata read_metadata(const std::filesystem::path& metadata_dir);

// Fabric's ccaas_builder claims type "ccaas" in any case (strings.ToLower).
bool is_ccaas_type(const std::string& type);

// fabric-samples' sampleBuilder claims type "external" (claimed here in any case, too).
bool is_external_type(const std::string& type);

// Whether this builder claims a package of that type under CCAAS_BUILDER_TYPES.
bool claims_type(const config::PackageTypes& types, const std::string& type);

// A type whose packages name a chaincode server the peer dials (ccaas, external): with no
// server connection released, the peer waits for such a chaincode to dial back, and it never does.
bool is_server_type(const std::string& type);

} // namespace ccaas::contract
