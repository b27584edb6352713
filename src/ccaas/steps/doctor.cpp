#include "ccaas/steps/doctor.hpp"

#include "ccaas/config/settings.hpp"
#include "ccaas/contract/connection.hpp"
#include "ccaas/contract/package_id.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/file.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <thread>

namespace ccaas::steps {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_configuration = "configuration";
constexpr const char* k_builders = "builders";

// The variables this builder reads: each must be listed under its propagateEnvironment.
const std::vector<const config::EnvVar*> k_our_variables{&config::k_builder_config,
                                                         &config::k_dial_timeout,
                                                         &config::k_probe};

class Findings
{
public:
  explicit Findings(std::vector<Finding>& out)
    : m_out(out)
  {
  }
  void add(Severity severity, std::string group, std::string subject, std::string message, std::string hint = {})
  {
    m_out.push_back({severity, std::move(group), std::move(subject), std::move(message), std::move(hint)});
  }

private:
  std::vector<Finding>& m_out;
};

// Collects what validation says, for one finding.
class Collector final : public log::Reporter
{
public:
  void info(std::string_view) override {}
  void warning(std::string_view message) override { warnings.emplace_back(message); }
  void error(std::string_view message) override { errors.emplace_back(message); }
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
};

std::string join(const std::vector<std::string>& items, const char* separator = "; ")
{
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : separator) + item;
  }
  return out;
}

bool executable(const fs::path& path)
{
  struct stat st = {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

fs::path canonical_or_self(const fs::path& path)
{
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  return ec ? path.lexically_normal() : resolved;
}

bool same_file_contents(const fs::path& a, const fs::path& b)
{
  try {
    return file::read_regular_file(a, 64 << 20) == file::read_regular_file(b, 64 << 20);
  } catch (const Failure&) {
    return false;
  }
}

std::string dial_text(std::int64_t nanos)
{
  return duration::format_go_duration(nanos);
}

void check_configuration(const contract::PeerConfig& config, Findings& findings)
{
  if (config.core_yaml_found) {
    findings.add(Severity::ok, k_configuration, config.core_yaml.string(), "read");
  } else {
    findings.add(Severity::warning,
                 k_configuration,
                 config.core_yaml.string(),
                 "not found: the peer reads its configuration from here (--config, FABRIC_CFG_PATH or "
                 "/etc/hyperledger/fabric), so only the CORE_... environment and the defaults were applied",
                 "run the doctor with --config DIR, the directory that holds the peer's core.yaml");
  }
  for (const std::string& name : config.overrides) {
    findings.add(Severity::ok,
                 k_configuration,
                 name,
                 name == "CORE_CHAINCODE_EXTERNALBUILDERS" ? "replaces core.yaml's whole externalBuilders list"
                                                           : "overrides core.yaml");
  }
  for (const std::string& problem : config.problems) {
    findings.add(Severity::error, k_configuration, "core.yaml", problem, "write a Go duration such as \"300s\"");
  }
  findings.add(Severity::ok,
               k_configuration,
               "chaincode.startuptimeout",
               dial_text(config.startup_timeout)
                 + ": a launch that has not registered by then fails with "
                   "\"timeout expired while starting chaincode\"");
}

std::vector<BuilderInfo> check_builders(const contract::PeerConfig& config,
                                        const DoctorInput& input,
                                        Findings& findings)
{
  std::vector<BuilderInfo> builders;
  const fs::path ours = canonical_or_self(input.our_builder_dir);
  std::set<std::string> names;
  const std::string from = config.builders_source;
  for (const contract::ExternalBuilder& entry : config.builders) {
    BuilderInfo info{entry.name, entry.path, entry.propagate};
    const std::string subject = "builder " + (entry.name.empty() ? std::string("(no name)") : entry.name);
    if (entry.path.empty()) {
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   "has no path: the peer does not start (\"path attribute missing in one or more builders\")",
                   "give every entry of externalBuilders (" + from + ") a path");
      builders.push_back(info);
      continue;
    }
    if (entry.name.empty()) {
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   "at " + entry.path + " has no name: the peer does not start",
                   "give every entry of externalBuilders (" + from + ") a name");
    } else if (!names.insert(entry.name).second) {
      findings.add(Severity::warning,
                   k_builders,
                   subject,
                   "is listed twice: a build made by it is restored with the first of that name",
                   "give each builder its own name");
    }
    const fs::path dir(entry.path);
    info.ours = canonical_or_self(dir) == ours;
    info.usable = executable(dir / "bin" / "detect") && executable(dir / "bin" / "build");
    info.has_run = executable(dir / "bin" / "run");
    info.claims_ccaas = info.ours || same_file_contents(dir / "bin" / "detect", ours / "bin" / "detect")
                        || dir.filename() == "ccaas_builder" || entry.name == "ccaas_builder";
    struct stat st = {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   entry.path
                     + " is not a directory here: its detect fails, the peer logs that only at DEBUG, and "
                       "a package it should claim falls through to the next builder, then Docker",
                   "mount the builder at " + entry.path + ", or correct path in " + from);
    } else if (!info.usable) {
      std::vector<std::string> missing;
      for (const char* program : {"detect", "build"}) {
        if (!executable(dir / "bin" / program)) {
          missing.push_back(std::string("bin/") + program);
        }
      }
      findings.add(Severity::error,
                   k_builders,
                   subject,
                   join(missing, " and ") + " under " + entry.path
                     + " missing or not executable by this user: the peer skips the builder silently",
                   "chmod 0755 the programs, and check that the volume is not mounted noexec");
    } else {
      std::string note = "bin/detect and bin/build executable";
      const fs::path release = dir / "bin" / "release";
      if (file::exists_nofollow(release) && !executable(release)) {
        findings.add(Severity::error,
                     k_builders,
                     subject,
                     "bin/release is not executable: the peer skips it without a word, and no chaincode server "
                     "connection is ever published",
                     "chmod 0755 " + release.string());
      } else {
        findings.add(Severity::ok, k_builders, subject, note + (info.ours ? " (this builder)" : ""));
      }
    }
    if (entry.uses_whitelist) {
      findings.add(Severity::warning,
                   k_builders,
                   subject,
                   "uses the deprecated environmentWhitelist",
                   "rename it propagateEnvironment");
    }
    builders.push_back(std::move(info));
  }

  const auto our = std::find_if(builders.begin(), builders.end(), [](const BuilderInfo& b) { return b.ours; });
  const auto first_ccaas =
    std::find_if(builders.begin(), builders.end(), [](const BuilderInfo& b) { return b.claims_ccaas && b.usable; });
  if (our == builders.end()) {
    const std::string goes =
      first_ccaas != builders.end() ? "to " + first_ccaas->name : std::string("to no builder, so to Docker");
    findings.add(Severity::error,
                 k_builders,
                 "ccaas-builder",
                 "this builder (" + ours.string() + ") is not in the peer's externalBuilders (" + from
                   + "): ccaas packages go " + goes,
                 from == "CORE_CHAINCODE_EXTERNALBUILDERS"
                   ? "CORE_CHAINCODE_EXTERNALBUILDERS replaces core.yaml's list: list this builder in it, first"
                   : "list this builder in chaincode.externalBuilders, first");
  } else if (first_ccaas != builders.end() && first_ccaas < our) {
    findings.add(Severity::error,
                 k_builders,
                 "builder " + first_ccaas->name,
                 "is listed before ccaas-builder and also claims ccaas packages: ours never sees one",
                 "list " + our->name + " before " + first_ccaas->name
                   + " (keep Fabric's after it, for its own old builds)");
  }
  if (our != builders.end()) {
    for (const config::EnvVar* var : k_our_variables) {
      const bool listed = std::find(our->propagate.begin(), our->propagate.end(), var->name) != our->propagate.end();
      const auto value = input.env(var->name);
      const std::string subject = var->name;
      if (value && !listed) {
        findings.add(Severity::warning,
                     k_builders,
                     subject,
                     "is set in the peer's environment but not listed under " + our->name
                       + "'s propagateEnvironment: the builder never sees it",
                     "add " + subject + " to propagateEnvironment of " + our->name);
        continue;
      }
      if (!listed) {
        continue;
      }
      if (!value) {
        findings.add(Severity::ok,
                     k_builders,
                     subject,
                     std::string("listed, not set")
                       + (var->default_value ? " (default " + std::string(var->default_value) + ")" : ""));
        continue;
      }
      try {
        config::load_settings({var}, input.env);
        findings.add(Severity::ok, k_builders, subject, "listed, set and valid");
      } catch (const Failure& e) {
        findings.add(Severity::error, k_builders, subject, e.what(), "every install fails until it is fixed");
      }
    }
  }
  if (builders.empty() && config.vm_endpoint.empty()) {
    findings.add(Severity::error,
                 k_builders,
                 "externalBuilders",
                 "none, and vm.endpoint is empty: the peer does not start (\"VMEndpoint not set and no "
                 "ExternalBuilders defined\")",
                 "list ccaas-builder under chaincode.externalBuilders");
  }
  return builders;
}

// Connects to a unix socket endpoint to see whether Docker answers there.
bool docker_answers(const std::string& endpoint)
{
  constexpr std::string_view k_unix = "unix://";
  if (endpoint.rfind(k_unix, 0) != 0) {
    return false;
  }
  const std::string path = endpoint.substr(k_unix.size());
  sockaddr_un address{};
  if (path.size() >= sizeof address.sun_path) {
    return false;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  const UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return fd.get() >= 0 && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

void check_fallback(const contract::PeerConfig& config, Findings& findings)
{
  if (config.vm_endpoint.empty()) {
    findings.add(Severity::ok,
                 k_builders,
                 "vm.endpoint",
                 "empty: a package no builder claims fails to install with \"docker build is disabled\"");
  } else if (docker_answers(config.vm_endpoint)) {
    findings.add(Severity::ok,
                 k_builders,
                 "vm.endpoint",
                 config.vm_endpoint
                   + " answers: a package no builder claims is built by Docker, and a ccaas one fails "
                     "there with \"Unknown chaincodeType: CCAAS\"");
  } else {
    findings.add(Severity::warning,
                 k_builders,
                 "vm.endpoint",
                 config.vm_endpoint
                   + " does not answer: a package no builder claims fails to install with a "
                     "Docker error (docker.sock), which hides that no builder claimed it",
                 "leave vm.endpoint empty (CORE_VM_ENDPOINT=\"\") so that such a failure says \"docker build is "
                 "disabled\"");
  }
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
    const std::string group = "chaincode " + build.package_id.value_or(entry.filename().string());
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
      Collector collected;
      try {
        contract::Diagnostics diags;
        auto validated =
          contract::validate_connection(json::parse_object(file::read_regular_file(source), source.string()),
                                        source.string(),
                                        context.now,
                                        diags,
                                        contract::KeyCheck::skip);
        collected.errors = diags.errors;
        collected.warnings = diags.warnings;
        if (validated) {
          build.connection = contract::redacted(validated->doc);
          connection = std::move(validated);
        }
      } catch (const Failure& e) {
        collected.errors.emplace_back(e.what());
      }
      if (!collected.errors.empty()) {
        findings.add(
          Severity::error,
          group,
          source.filename().string(),
          join(collected.errors),
          "the peer fails every launch with \"malformed chaincode info\": fix the package and install it again");
      }
      for (const std::string& warning : collected.warnings) {
        findings.add(Severity::warning, group, source.filename().string(), warning);
      }
      if (connection && connection->effective_dial_timeout() > config.startup_timeout) {
        findings.add(Severity::warning,
                     group,
                     "dial_timeout",
                     dial_text(connection->effective_dial_timeout()) + " is longer than chaincode.startuptimeout ("
                       + dial_text(config.startup_timeout)
                       + "): an unreachable server shows only as \"timeout expired while starting chaincode\"",
                     "lower dial_timeout below chaincode.startuptimeout");
      }
    }
    builds.push_back(std::move(build));
    connections.push_back(std::move(connection));
  }
  return builds;
}

// Every build's server at once, each within its own dial timeout.
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

} // namespace

const char* severity_name(Severity severity)
{
  switch (severity) {
    case Severity::ok:
      return "ok";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "?";
}

DoctorReport doctor(const DoctorInput& input, Context& context)
{
  DoctorReport report;
  Findings findings(report.findings);
  report.config = contract::read_peer_config(input.config_dir, input.env);
  check_configuration(report.config, findings);
  report.builders = check_builders(report.config, input, findings);
  check_fallback(report.config, findings);

  std::vector<std::optional<contract::Connection>> connections;
  report.builds = read_builds(report.config, report.builders, context, connections, findings);
  probe_builds(report.builds, connections, context);
  for (const BuildInfo& build : report.builds) {
    if (!build.report) {
      continue;
    }
    const std::string group = "chaincode " + build.package_id.value_or(build.directory.filename().string());
    if (build.report->cancelled) {
      report.outcome = Outcome::terminated;
    } else if (build.report->ok) {
      findings.add(build.report->warnings.empty() ? Severity::ok : Severity::warning,
                   group,
                   "probe",
                   probe::verdict_line(*build.report));
    } else {
      findings.add(Severity::error,
                   group,
                   "probe",
                   "probe of " + build.report->address + " failed at " + probe::stage_name(*build.report->failed_stage)
                     + ": " + build.report->error,
                   build.report->hint);
    }
  }
  // One group after the other: configuration, builders, then each chaincode in directory order.
  const auto rank = [&report](const Finding& f) -> std::size_t {
    if (f.group == k_configuration) {
      return 0;
    }
    if (f.group == k_builders) {
      return 1;
    }
    for (std::size_t i = 0; i < report.builds.size(); ++i) {
      const BuildInfo& b = report.builds[i];
      if (f.group == "chaincode " + b.package_id.value_or(b.directory.filename().string())) {
        return 3 + i;
      }
    }
    return 2;
  };
  std::stable_sort(report.findings.begin(), report.findings.end(), [&rank](const Finding& a, const Finding& b) {
    return rank(a) < rank(b);
  });
  report.ok = std::none_of(
    report.findings.begin(), report.findings.end(), [](const Finding& f) { return f.severity == Severity::error; });
  if (report.outcome != Outcome::terminated) {
    report.outcome = report.ok ? Outcome::ok : Outcome::failed;
  }
  return report;
}

} // namespace ccaas::steps
