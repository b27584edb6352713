#pragma once

#include "ccaas/util/root_path.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// The parts of the peer's configuration that decide what becomes of a ccaas package, read as the
// peer reads them (viper in core/peer/config.go and internal/peer/node/start.go): core.yaml from
// the config directory, keys in any case, then the CORE_... environment variables, which replace
// a key's whole value (CORE_CHAINCODE_EXTERNALBUILDERS replaces the whole list).
namespace ccaas::contract {

struct ExternalBuilder {
  std::string name;
  std::string path;
  std::vector<std::string> propagate; // propagateEnvironment, or the deprecated environmentWhitelist
  bool uses_whitelist = false;        // propagateEnvironment unset: environmentWhitelist applies
};

struct PeerConfig {
  std::filesystem::path config_dir;
  std::filesystem::path core_yaml; // the file read
  bool core_yaml_found = false;
  std::vector<ExternalBuilder> builders;  // chaincode.externalBuilders
  std::string builders_source;            // "core.yaml" or "CORE_CHAINCODE_EXTERNALBUILDERS"
  std::filesystem::path file_system_path; // peer.fileSystemPath
  std::int64_t startup_timeout = 0;       // chaincode.startuptimeout, nanoseconds (at least 5s)
  std::int64_t execute_timeout = 0;       // chaincode.executetimeout, nanoseconds
  std::string vm_endpoint;                // vm.endpoint; empty: Docker builds disabled
  std::vector<std::string> overrides;     // the CORE_... variables that were applied
  std::vector<std::string> problems;      // values the peer could not read either
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// Reads core.yaml from config_dir (--config), else FABRIC_CFG_PATH, else /etc/hyperledger/fabric,
// then applies the environment. Every path is the peer's, read through root (its root seen from
// outside, or this process's own). Throws Failure for a core.yaml that is not YAML.
PeerConfig read_peer_config(const std::optional<std::filesystem::path>& config_dir,
                            const EnvLookup& env,
                            const file::RootView& root = file::RootView());

// The peer's durable build directories: <peer.fileSystemPath>/externalbuilder/builds.
std::filesystem::path builds_dir(const PeerConfig& config);

} // namespace ccaas::contract
