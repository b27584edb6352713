#include "ccaas/steps/doctor_checks.hpp"

#include "ccaas/contract/metadata.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/tls/pem.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

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
                                   const DoctorInput& input,
                                   const std::vector<BuilderInfo>& builders,
                                   const std::vector<InstalledPackage>& packages,
                                   Context& context,
                                   std::vector<std::optional<contract::Connection>>& connections,
                                   Findings& findings)
{
  std::vector<BuildInfo> builds;
  const file::RootView& root = input.peer.root;
  const fs::path dir = contract::builds_dir(config);
  std::error_code ec;
  const file::InRoot dir_in_root = root.open(dir, O_RDONLY | O_DIRECTORY);
  if (!dir_in_root.ok()) {
    findings.add(Severity::warning,
                 "chaincodes",
                 dir.string(),
                 "not found: no chaincode is installed, or peer.fileSystemPath is not "
                   + config.file_system_path.string() + " here",
                 input.outside ? "check peer.fileSystemPath (CORE_PEER_FILESYSTEMPATH) of this peer"
                               : "run the doctor in the peer's container, with the peer's environment, or from "
                                 "outside it with --pid");
    return builds;
  }
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(dir_in_root.path(), ec)) {
    // The peer follows a link here (os.Stat): so does the doctor, inside the peer's root.
    struct stat st = {};
    if (root.open(dir / entry.path().filename()).stat(st) && S_ISDIR(st.st_mode)) {
      entries.push_back(dir / entry.path().filename()); // the peer's path
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
      const json::Json info = json::parse_object(
        file::read_in_root(root, entry / "build-info.json", file::k_max_contract_file, file::Last::nofollow),
        (entry / "build-info.json").string());
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
    build.release_connection = root.open(published, 0, file::Last::nofollow).ok();
    const auto installed = std::find_if(packages.begin(), packages.end(), [&](const InstalledPackage& p) {
      return build.package_id && p.package_id == *build.package_id;
    });
    if (installed != packages.end()) {
      build.type = installed->type;
    }
    fs::path source = published;
    if (!build.release_connection && builder != builders.end()) {
      // No server connection: at the next launch the peer calls the bin/run of the builder that
      // made the build (Builder.Run), whichever it is, and waits for a chaincode to dial back.
      source = entry / "bld" / contract::k_connection_file;
      const std::string& name = build.builder_name;
      const std::string rebuild = "remove " + entry.string()
                                  + " so that the peer builds the package again with the first builder that "
                                    "claims it (restart the peer, or install the package again), or restore "
                                  + published.string();
      if (builder->ours && root.open(source, 0, file::Last::nofollow).ok()) {
        findings.add(Severity::warning,
                     group,
                     "release/chaincode/server/connection.json",
                     "missing: the peer calls run at the next launch; this builder's run restores it from "
                     "bld/connection.json and fails that launch at once, and the launch after it dials",
                     "invoke once more after the first failure, or install the package again");
      } else if (builder->ours) {
        findings.add(Severity::error,
                     group,
                     "release/chaincode/server/connection.json",
                     "missing, and bld/connection.json too: this builder's run cannot restore it, and every launch "
                     "fails at once",
                     rebuild);
      } else if (!builder->has_run) {
        findings.add(Severity::error,
                     group,
                     "release/chaincode/server/connection.json",
                     "missing, and builder " + name
                       + " has no bin/run: every launch fails at once with \"could not execute run: builder '" + name
                       + "' run failed to start\"",
                     rebuild);
      } else if (!build.type || contract::is_server_type(*build.type)) {
        findings.add(Severity::error,
                     group,
                     "release/chaincode/server/connection.json",
                     "missing: the peer calls bin/run of builder " + name + " (" + builder->path
                       + "/bin/run) at the next launch and waits up to chaincode.startuptimeout ("
                       + duration::format_go_duration(config.startup_timeout)
                       + ") for the chaincode to dial back; a chaincode-as-a-service server never dials, so the "
                         "launch fails with \"timeout expired while starting chaincode\" after "
                       + duration::format_go_duration(config.startup_timeout),
                     rebuild);
      } else {
        findings.add(Severity::ok,
                     group,
                     "release/chaincode/server/connection.json",
                     "none: the peer calls bin/run of builder " + name + " at each launch, for a " + *build.type
                       + " chaincode that dials the peer");
      }
    }
    if (!build.release_connection && (builder == builders.end() || !builder->ours)) {
      source.clear(); // the peer will not dial it: it calls that builder's run, or fails (said above)
    }
    build.dialled = !source.empty();
    if (!source.empty() && root.open(source, 0, file::Last::nofollow).ok()) {
      // As run and release read it: every check but the key pairing build made.
      Collector collected;
      try {
        LoadedConnection loaded =
          parse_rendered_connection(file::read_in_root(root, source, file::k_max_contract_file, file::Last::nofollow),
                                    source,
                                    context.now,
                                    collected);
        build.connection = contract::redacted(loaded.connection.doc);
        if (loaded.connection.client_auth_required) {
          const tls::PemResult client = tls::parse_certificates(loaded.connection.client_cert);
          if (!client.certificates.empty()) {
            build.client_cert_not_after = client.certificates.front().not_after;
          }
        }
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
