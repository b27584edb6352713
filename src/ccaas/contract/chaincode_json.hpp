#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ccaas::contract {

// RUN_METADATA_DIR/chaincode.json, written by the peer for `run` (runConfig in
// core/container/externalbuilder/externalbuilder.go). The peer always writes all six keys;
// the PEM fields are "" when the peer's TLS is off.
struct ChaincodeJson {
  std::string chaincode_id; // the package ID: authoritative for the run path
  std::string peer_address;
  std::string client_cert;
  std::string client_key;
  std::string root_cert;
  std::string mspid;
};

inline constexpr const char* k_chaincode_json_file = "chaincode.json";

// Throws Failure naming the file and field. chaincode_id must be a non-empty string; the other
// keys must be strings when present.
ChaincodeJson read_chaincode_json(const std::filesystem::path& run_metadata_dir);
ChaincodeJson parse_chaincode_json(std::string_view text, const std::string& where);

} // namespace ccaas::contract
