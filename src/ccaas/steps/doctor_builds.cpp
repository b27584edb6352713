#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/package_id.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

#include <algorithm>
#include <thread>

// The peer's durable builds: what made each, what the peer will read at its next launch, and
// the probe of each server, all at once.
namespace ccaas::steps::doctor_checks {

namespace {

// What loading a connection.json reports, kept for the findings.
class Collector final : public log::Reporter
{
public:
  void info(std::string_view) override {}
  void warning(std::string_view message) override { warnings.emplace_back(message); }
  void error(std::string_view message) override { errors.emplace_back(message); }
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
};

} // namespace

std::string group_of(const BuildInfo& build)
{
  return "chaincode " + build.package_id.value_or(build.directory.filename().string());
}

std::vector<BuildInfo> read_builds(const contract::PeerConfig& config,
                                   const std::vector<BuilderInfo>& builders,
                                   Context& context,
                                   std::vector<std::optional<contract::Connection>>& connections,
                                   Findings& findings)
{
  std::vector<BuildInfo> builds;
  const fs::path dir = contract::builds_dir(config);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    findings.add(Severity::warning,
                 "chaincodes",
                 dir.string(),
                 "not found: no chaincode is installed, or peer.fileSystemPath is not "
                   + config.file_system_path.string() + " here",
                 "run the doctor in the peer's container, with the peer's environment");
    return builds;
  }
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory()) {
      entries.push_back(entry.path());
    }
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::path& entry : entries) {
    BuildInfo build;
    build.directory = entry;
    const auto id = contract::package_id_from_durable_dir(entry.filename().string());
    build.package_id = id ? std::optional<std::string>(id->str()) : std::nullopt;
    const std::string group = group_of(build);
    std::optional<contract::Connection> connection;
    try {
      const json::Json info =
        json::parse_object(file::read_regular_file(entry / "build-info.json"), (entry / "build-info.json").string());
      build.builder_name = info.value("builder_name", "");
    } catch (const Failure& e) {
      findings.add(Severity::error,
                   group,
                   "build-info.json",
                   e.what(),
                   "the peer cannot restore this build (\"existing build could not be restored\"): remove "
                     + entry.string() + " and install the package again");
    }
    const auto builder = std::find_if(
      builders.begin(), builders.end(), [&](const BuilderInfo& b) { return b.name == build.builder_name; });
    if (!build.builder_name.empty() && builder == builders.end()) {
      findings.add(Severity::error,
                   group,
                   "builder " + build.builder_name,
                   "made this build, but is no longer listed: the peer says \"was already built with builder '"
                     + build.builder_name + "', but that builder is no longer available\"",
                   "list a builder named " + build.builder_name + " again, or remove " + entry.string()
                     + " and install the package again");
    } else if (!build.builder_name.empty()) {
      findings.add(Severity::ok, group, "builder " + build.builder_name, "made this build, and is listed");
    }
    const fs::path published = entry / "release" / "chaincode" / "server" / contract::k_connection_file;
    build.release_connection = file::exists_nofollow(published);
    fs::path source = published;
    if (!build.release_connection) {
      source = entry / "bld" / contract::k_connection_file;
      const bool has_run = builder != builders.end() && builder->has_run;
      if (has_run && file::exists_nofollow(source)) {
        findings.add(Severity::warning,
                     group,
                     "release/chaincode/server/connection.json",
                     "missing: the peer calls run at the next launch; this builder's run restores it from "
                     "bld/connection.json and fails that launch at once, and the launch after it dials",
                     "invoke once more after the first failure, or install the package again");
      } else {
        findings.add(Severity::error,
                     group,
                     "release/chaincode/server/connection.json",
                     "missing, and builder " + (build.builder_name.empty() ? "(unknown)" : build.builder_name)
                       + " has no run to restore it: every launch fails with \"could not execute run\"",
                     "install the package again with ccaas-builder");
      }
    }
    if (file::exists_nofollow(source)) {
      // As run and release read it: every check but the key pairing build made.
      Collector collected;
      try {
        LoadedConnection loaded = load_rendered_connection(source, "", context.now, collected);
        build.connection = contract::redacted(loaded.connection.doc);
        connection = std::move(loaded.connection);
      } catch (const ReportedFailure&) {
        // its errors are in collected
      } catch (const Failure& e) {
        collected.errors.emplace_back(e.what());
      }
      if (!collected.errors.empty()) {
        findings.add(
          Severity::error,
          group,
          source.filename().string(),
          join(collected.errors, "; "),
          "the peer fails every launch with \"malformed chaincode info\": fix the package and install it again");
      }
      for (const std::string& warning : collected.warnings) {
        findings.add(Severity::warning, group, source.filename().string(), warning);
      }
      if (connection && connection->effective_dial_timeout() > config.startup_timeout) {
        findings.add(Severity::warning,
                     group,
                     "dial_timeout",
                     duration::format_go_duration(connection->effective_dial_timeout())
                       + " is longer than chaincode.startuptimeout ("
                       + duration::format_go_duration(config.startup_timeout)
                       + "): an unreachable server shows only as \"timeout expired while starting chaincode\"",
                     "lower dial_timeout below chaincode.startuptimeout");
      }
    }
    builds.push_back(std::move(build));
    connections.push_back(std::move(connection));
  }
  return builds;
}

void probe_builds(std::vector<BuildInfo>& builds,
                  const std::vector<std::optional<contract::Connection>>& connections,
                  Context& context)
{
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < builds.size(); ++i) {
    if (!connections[i]) {
      continue;
    }
    threads.emplace_back([&builds, &connections, &context, i] {
      builds[i].report = probe::run_probe(probe::target_for(*connections[i], builds[i].package_id), context.cancel);
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
}

} // namespace ccaas::steps::doctor_checks
