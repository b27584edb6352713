#include "ccaas/contract/peer_config.hpp"

#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"
#include "ccaas/util/linked.hpp"
#include "ccaas/util/text.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ccaas::contract {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_official_config_dir = "/etc/hyperledger/fabric";
constexpr std::int64_t k_second = duration::k_nanos_per_second;
constexpr std::int64_t k_min_startup_timeout = 5 * k_second; // core/chaincode/config.go

// viper matches keys in any case.
YAML::Node child(const YAML::Node& node, const std::string& key)
{
  if (!node || !node.IsMap()) {
    return YAML::Node();
  }
  for (const auto& item : node) {
    if (item.first.IsScalar() && lowercase(item.first.Scalar()) == lowercase(key)) {
      return item.second;
    }
  }
  return YAML::Node();
}

YAML::Node at(const YAML::Node& root, std::initializer_list<const char*> path)
{
  // reset(), not operator=: assigning a YAML::Node writes through to the node it refers to.
  YAML::Node node;
  node.reset(root);
  for (const char* key : path) {
    YAML::Node next = child(node, key);
    if (!next) {
      return next;
    }
    node.reset(next);
  }
  return node;
}

std::string scalar(const YAML::Node& node)
{
  return node && node.IsScalar() ? node.Scalar() : std::string();
}

std::vector<std::string> strings(const YAML::Node& node)
{
  std::vector<std::string> out;
  if (node && node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsScalar()) {
        out.push_back(item.Scalar());
      }
    }
  }
  return out;
}

std::vector<ExternalBuilder> builders_of(const YAML::Node& list)
{
  std::vector<ExternalBuilder> builders;
  if (!list || !list.IsSequence()) {
    return builders;
  }
  for (const auto& item : list) {
    ExternalBuilder builder;
    builder.name = scalar(child(item, "name"));
    builder.path = scalar(child(item, "path"));
    const YAML::Node propagate = child(item, "propagateEnvironment");
    // core/peer/config.go: the deprecated environmentWhitelist applies when propagateEnvironment is unset.
    if (propagate && !propagate.IsNull()) {
      builder.propagate = strings(propagate);
    } else {
      builder.propagate = strings(child(item, "environmentWhitelist"));
      builder.uses_whitelist = !builder.propagate.empty();
    }
    builders.push_back(std::move(builder));
  }
  return builders;
}

// viper's GetDuration (spf13/cast): a Go duration, or a bare number of nanoseconds.
std::optional<std::int64_t> duration_of(const std::string& text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    return static_cast<std::int64_t>(std::stoll(text));
  }
  return duration::parse_go_duration(text).nanos;
}

YAML::Node load(const std::string& text, const std::string& where)
{
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Failure(where + ": not YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")");
  }
}

} // namespace

PeerConfig read_peer_config(const std::optional<std::filesystem::path>& config_dir,
                            const EnvLookup& env,
                            const file::RootView& root)
{
  PeerConfig config;
  if (config_dir) {
    config.config_dir = *config_dir;
  } else if (const auto from_env = env("FABRIC_CFG_PATH")) {
    config.config_dir = *from_env;
  } else {
    config.config_dir = k_official_config_dir;
  }
  config.core_yaml = config.config_dir / "core.yaml";
  YAML::Node yaml;
  // The peer's own configuration, read as the peer reads it: links followed (a ConfigMap's
  // core.yaml -> ..data/core.yaml, a FABRIC_CFG_PATH that is itself a link). A dangling link is
  // a file that is not there, as for the peer.
  // Opened inside the peer's root, by descriptor: a link chain longer than the kernel follows
  // (40) fails here as the peer's open fails, never read from elsewhere.
  // Opened once: what is read is what was found, even where a link is swapped meanwhile.
  const file::InRoot core_yaml = root.open(config.core_yaml, O_RDONLY | O_NONBLOCK);
  if (core_yaml.ok() || core_yaml.error() != ENOENT) {
    // one that cannot be looked at is not "not found": reading it says why
    yaml.reset(
      load(file::read_opened(core_yaml, 4 * file::k_max_contract_file, file::Last::follow), config.core_yaml.string()));
    config.core_yaml_found = true;
  }

  config.builders = builders_of(at(yaml, {"chaincode", "externalBuilders"}));
  config.builders_source = "core.yaml";
  std::string file_system_path = scalar(at(yaml, {"peer", "fileSystemPath"}));
  std::string startup = scalar(at(yaml, {"chaincode", "startuptimeout"}));
  std::string execute = scalar(at(yaml, {"chaincode", "executetimeout"}));
  config.vm_endpoint = scalar(at(yaml, {"vm", "endpoint"}));

  // viper.AutomaticEnv with the CORE prefix: the variable replaces the key's value.
  if (const auto value = env("CORE_CHAINCODE_EXTERNALBUILDERS")) {
    // YamlStringToStructHook: the value is YAML, as in core.yaml.
    config.builders = builders_of(load(*value, "CORE_CHAINCODE_EXTERNALBUILDERS"));
    config.builders_source = "CORE_CHAINCODE_EXTERNALBUILDERS";
    config.overrides.emplace_back("CORE_CHAINCODE_EXTERNALBUILDERS");
  }
  const auto override_with = [&](const char* name, std::string& target) {
    if (const auto value = env(name)) {
      target = *value;
      config.overrides.emplace_back(name);
    }
  };
  override_with("CORE_PEER_FILESYSTEMPATH", file_system_path);
  override_with("CORE_CHAINCODE_STARTUPTIMEOUT", startup);
  override_with("CORE_CHAINCODE_EXECUTETIMEOUT", execute);
  override_with("CORE_VM_ENDPOINT", config.vm_endpoint);

  config.file_system_path = file_system_path.empty() ? "/var/hyperledger/production" : file_system_path;
  // core/chaincode/config.go: startuptimeout is viper.GetDuration's value (0 for a key that is
  // missing or not a duration: 300s is only sampleconfig's value), and never below 5s;
  // executetimeout below 1s becomes 30s.
  const auto startup_ns = duration_of(startup);
  if (!startup.empty() && !startup_ns) {
    config.problems.push_back("chaincode.startuptimeout: \"" + startup + "\" is not a duration");
  }
  config.startup_timeout = std::max(startup_ns.value_or(0), k_min_startup_timeout);
  const auto execute_ns = duration_of(execute);
  if (!execute.empty() && !execute_ns) {
    config.problems.push_back("chaincode.executetimeout: \"" + execute + "\" is not a duration");
  }
  config.execute_timeout = execute_ns.value_or(0) < k_second ? 30 * k_second : *execute_ns;
  return config;
}

std::filesystem::path builds_dir(const PeerConfig& config)
{
  return config.file_system_path / "externalbuilder" / "builds";
}

LinkedLibrary yaml_cpp_library()
{
  return {"yaml-cpp", CCAAS_YAML_CPP_VERSION, "built with; yaml-cpp reports no version"};
}

} // namespace ccaas::contract
