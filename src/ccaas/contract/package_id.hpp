#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ccaas::contract {

// A chaincode package ID, "<label>:<hex sha256 of the package file>": the chaincode ID the
// server must register with (core/chaincode/persistence/persistence.go).
struct PackageId {
  std::string label;
  std::string hash; // 64 lowercase hex digits

  std::string str() const { return label + ":" + hash; }
};

// Fabric's SanitizeCCIDPath: each of <>:"/\|?*& becomes '-'.
std::string sanitize_ccid_path(std::string_view ccid);

// The peer builds in os.MkdirTemp("", "fabric-" + SanitizeCCIDPath(ccid)), a name like
// "fabric-mycc_1.0-<64 hex><random digits>" (core/container/externalbuilder/externalbuilder.go,
// NewBuildContext). Labels cannot contain any sanitized character except via ':', so the package
// ID can be read back from the name. Empty when the name does not have that shape.
std::optional<PackageId> package_id_from_scratch_dir(std::string_view dir_name);

// The durable build directory is "<label>-<64 hex>" (builds/<SanitizeCCIDPath(ccid)>).
std::optional<PackageId> package_id_from_durable_dir(std::string_view dir_name);

// Fabric's label rule: ^[[:alnum:]][[:alnum:]_.+-]*$ (core/chaincode/persistence/chaincode_package.go).
bool is_valid_label(std::string_view label);

// Parses "label:hash". Empty when either part is malformed.
std::optional<PackageId> parse_package_id(std::string_view text);

} // namespace ccaas::contract
