#include "ccaas/cli/doctor_main.hpp"

#include "ccaas/cli/step_main.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/steps/doctor.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/signals.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace ccaas::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* k_usage = "usage: run --doctor [--config DIR] [--json]";

// The builder this program belongs to: <dir>/bin/run.
fs::path our_builder_dir(const char* argv0)
{
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    self = fs::absolute(argv0, ec);
  }
  return self.parent_path().parent_path();
}

nlohmann::json json_of(const steps::DoctorReport& report)
{
  const contract::PeerConfig& config = report.config;
  nlohmann::json out = nlohmann::json::object();
  out["ok"] = report.ok;
  nlohmann::json builders_list = nlohmann::json::array();
  for (const contract::ExternalBuilder& b : config.builders) {
    builders_list.push_back({{"name", b.name}, {"path", b.path}, {"propagateEnvironment", b.propagate}});
  }
  out["config"] = {{"core_yaml", config.core_yaml.string()},
                   {"core_yaml_found", config.core_yaml_found},
                   {"variables", config.overrides},
                   {"builders_from", config.builders_source},
                   {"file_system_path", config.file_system_path.string()},
                   {"startup_timeout_ms", config.startup_timeout / 1'000'000},
                   {"execute_timeout_ms", config.execute_timeout / 1'000'000},
                   {"vm_endpoint", config.vm_endpoint}};
  nlohmann::json builders = nlohmann::json::array();
  for (const steps::BuilderInfo& b : report.builders) {
    builders.push_back({{"name", b.name},
                        {"path", b.path},
                        {"propagateEnvironment", b.propagate},
                        {"ours", b.ours},
                        {"claims_ccaas", b.claims_ccaas},
                        {"detect_ran", b.detect_ran},
                        {"usable", b.usable},
                        {"has_run", b.has_run}});
  }
  out["builders"] = builders;
  nlohmann::json packages = nlohmann::json::array();
  for (const steps::InstalledPackage& p : report.packages) {
    packages.push_back({{"file", p.file.string()},
                        {"package_id", p.package_id},
                        {"type", p.type ? nlohmann::json(*p.type) : nlohmann::json(nullptr)},
                        {"claimed_by", p.claimed_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.claimed_by)}});
  }
  out["packages"] = packages;
  out["unchecked"] = report.unchecked;
  nlohmann::json builds = nlohmann::json::array();
  for (const steps::BuildInfo& b : report.builds) {
    nlohmann::json build = b.report ? probe::report_json(*b.report) : nlohmann::json::object();
    if (!b.report) {
      build["ok"] = false;
      build["address"] = nullptr;
      build["ccid_expected"] = b.package_id ? nlohmann::json(*b.package_id) : nlohmann::json(nullptr);
      build["ccid_reported"] = nullptr;
      build["failed_stage"] = "config";
      build["error"] = "no usable connection.json";
      build["hint"] = nullptr;
      build["stages"] = nlohmann::json::array();
      build["warnings"] = nlohmann::json::array();
    }
    build["kind"] = "durable build";
    build["directory"] = b.directory.string();
    build["package_id"] = b.package_id ? nlohmann::json(*b.package_id) : nlohmann::json(nullptr);
    build["builder_name"] = b.builder_name;
    build["type"] = b.type ? nlohmann::json(*b.type) : nlohmann::json(nullptr);
    build["release_connection"] = b.release_connection;
    build["connection"] = b.connection ? nlohmann::json::parse(b.connection->dump()) : nlohmann::json(nullptr);
    builds.push_back(std::move(build));
  }
  out["builds"] = builds;
  nlohmann::json findings = nlohmann::json::array();
  for (const steps::Finding& f : report.findings) {
    findings.push_back({{"severity", steps::severity_name(f.severity)},
                        {"group", f.group},
                        {"subject", f.subject},
                        {"message", f.message},
                        {"hint", f.hint.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.hint)}});
  }
  out["findings"] = findings;
  return out;
}

void print(const steps::DoctorReport& report, log::Reporter& reporter)
{
  std::string group;
  int counts[3] = {0, 0, 0};
  for (const steps::Finding& f : report.findings) {
    if (f.group != group) {
      group = f.group;
      reporter.info("== " + group);
    }
    ++counts[static_cast<int>(f.severity)];
    reporter.info(std::string(steps::severity_name(f.severity)) + ": " + f.subject + ": " + f.message
                  + (f.hint.empty() ? "" : "; fix: " + f.hint));
  }
  reporter.info(std::to_string(counts[2]) + " error(s), " + std::to_string(counts[1]) + " warning(s), "
                + std::to_string(counts[0]) + " ok"
                + (report.unchecked ? "; some checks could not run (the doctor's own trouble, said above)" : ""));
}

} // namespace

int run_doctor(int argc, char** argv)
{
  signals::ignore_broken_pipes();
  log::StderrReporter reporter("doctor");
  steps::DoctorInput input;
  bool json = false;
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      json = true;
    } else if (args[i] == "--config" && i + 1 < args.size()) {
      input.config_dir = args[++i];
    } else {
      reporter.error((args[i] == "--config" ? "--config needs a value" : "unknown argument " + args[i]) + " (" + k_usage
                     + ")");
      return k_exit_usage;
    }
  }
  return guarded(reporter, [&] {
    input.our_builder_dir = our_builder_dir(argv[0]);
    input.env = config::environment;
    steps::Context context = make_context(reporter, true);
    const steps::DoctorReport report = steps::doctor(input, context);
    if (json) {
      write_fully(STDOUT_FILENO, json_of(report).dump() + "\n");
    } else {
      print(report, reporter);
    }
    return report.outcome;
  });
}

} // namespace ccaas::cli
