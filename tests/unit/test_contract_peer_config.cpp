#include "ccaas/contract/peer_config.hpp"
#include "ccaas/util/error.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace ccaas;
using contract::read_peer_config;

namespace {

contract::EnvLookup env_of(std::map<std::string, std::string> values)
{
  return [values](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

} // namespace

TEST_CASE("core.yaml as viper reads it: keys in any case, defaults for what is absent")
{
  test_support::TempDir dir;
  dir.write("core.yaml",
            "Peer:\n  FileSystemPath: /srv/peer\nCHAINCODE:\n  startupTimeout: 1m\n  externalbuilders:\n"
            "    - name: a\n      path: /opt/a\n      propagateEnvironment: [X, Y]\n"
            "    - name: b\n      path: /opt/b\n      environmentWhitelist: [Z]\n");
  const auto config = read_peer_config(dir.path(), env_of({}));
  CHECK(config.core_yaml_found);
  CHECK(config.file_system_path == "/srv/peer");
  CHECK(config.startup_timeout == 60'000'000'000);
  CHECK(config.execute_timeout == 30'000'000'000);
  REQUIRE(config.builders.size() == 2);
  CHECK(config.builders[0].propagate == std::vector<std::string>{"X", "Y"});
  CHECK(config.builders[1].propagate == std::vector<std::string>{"Z"});
  CHECK(config.builders[1].uses_whitelist);
  CHECK(config.vm_endpoint.empty());
  CHECK(contract::builds_dir(config) == "/srv/peer/externalbuilder/builds");
}

TEST_CASE("the CORE_ environment replaces keys, the builder list whole; FABRIC_CFG_PATH finds core.yaml")
{
  test_support::TempDir dir;
  dir.write("core.yaml", "chaincode:\n  externalBuilders:\n    - name: a\n      path: /opt/a\n");
  const auto config = read_peer_config(std::nullopt,
                                       env_of({{"FABRIC_CFG_PATH", dir.path().string()},
                                               {"CORE_CHAINCODE_EXTERNALBUILDERS", "[{name: e, path: /opt/e}]"},
                                               {"CORE_PEER_FILESYSTEMPATH", "/data"},
                                               {"CORE_CHAINCODE_STARTUPTIMEOUT", "2s"},
                                               {"CORE_CHAINCODE_EXECUTETIMEOUT", "500ms"},
                                               {"CORE_VM_ENDPOINT", "unix:///var/run/docker.sock"}}));
  CHECK(config.core_yaml == dir.path() / "core.yaml");
  REQUIRE(config.builders.size() == 1);
  CHECK(config.builders[0].name == "e");
  CHECK(config.builders_source == "CORE_CHAINCODE_EXTERNALBUILDERS");
  CHECK(config.file_system_path == "/data");
  CHECK(config.startup_timeout == 5'000'000'000);  // never below 5s
  CHECK(config.execute_timeout == 30'000'000'000); // below 1s becomes 30s
  CHECK(config.vm_endpoint == "unix:///var/run/docker.sock");
  CHECK(config.overrides.size() == 5);
}

TEST_CASE("no core.yaml: the defaults; a core.yaml that is not YAML: one line")
{
  test_support::TempDir dir;
  const auto config = read_peer_config(dir.path(), env_of({}));
  CHECK_FALSE(config.core_yaml_found);
  CHECK(config.file_system_path == "/var/hyperledger/production");
  // a key that is missing is viper's zero value, raised to Fabric's minimum (core/chaincode/config.go)
  CHECK(config.startup_timeout == 5'000'000'000);
  dir.write("core.yaml", "peer:\n  id: p\n");
  CHECK(read_peer_config(dir.path(), env_of({})).startup_timeout == 5'000'000'000);
  dir.write("core.yaml", "chaincode: [unclosed\n");
  try {
    read_peer_config(dir.path(), env_of({}));
    FAIL("no failure");
  } catch (const Failure& e) {
    CHECK(std::string(e.what()).rfind((dir.path() / "core.yaml").string() + ": not YAML: ", 0) == 0);
  }
  dir.write("core.yaml", "chaincode:\n  startuptimeout: 10s\n");
  const auto bad = read_peer_config(dir.path(), env_of({{"CORE_CHAINCODE_STARTUPTIMEOUT", "soon"}}));
  CHECK(bad.problems == std::vector<std::string>{"chaincode.startuptimeout: \"soon\" is not a duration"});
}

TEST_CASE("a core.yaml mounted from a ConfigMap: links followed, as the peer follows them")
{
  // kubelet's atomic writer: the file in a timestamped folder, ..data a link to it, one link a key.
  test_support::TempDir dir;
  dir.write("..2026_12_01_10_00_00.123456789/core.yaml", "peer:\n  fileSystemPath: /srv/linked\n");
  std::filesystem::create_directory_symlink("..2026_12_01_10_00_00.123456789", dir.path() / "..data");
  std::filesystem::create_symlink("..data/core.yaml", dir.path() / "core.yaml");
  const contract::PeerConfig config = read_peer_config(dir.path(), env_of({}));
  CHECK(config.core_yaml_found);
  CHECK(config.file_system_path == "/srv/linked");

  // FABRIC_CFG_PATH itself a link to that volume.
  test_support::TempDir links;
  std::filesystem::create_directory_symlink(dir.path(), links.path() / "fabric");
  const contract::PeerConfig through =
    read_peer_config(std::nullopt, env_of({{"FABRIC_CFG_PATH", (links.path() / "fabric").string()}}));
  CHECK(through.core_yaml_found);
  CHECK(through.file_system_path == "/srv/linked");

  // A dangling link is a core.yaml that is not there, as for the peer.
  test_support::TempDir dangling;
  std::filesystem::create_symlink("..data/core.yaml", dangling.path() / "core.yaml");
  const contract::PeerConfig none = read_peer_config(dangling.path(), env_of({}));
  CHECK_FALSE(none.core_yaml_found);
  CHECK(none.file_system_path == "/var/hyperledger/production");
}
