#include "ccaas/cli/doctor_main.hpp"

#include "ccaas/cli/peer_target.hpp"
#include "ccaas/cli/step_main.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/steps/doctor.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/signals.hpp"
#include "ccaas/watch/exporter.hpp"
#include "ccaas/watch/metrics.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ccaas::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* k_usage =
  "usage: run --doctor [--config DIR] [--pid PID|NAME] [--json | --metrics | --serve ADDRESS "
  "[--interval DURATION]]";

// The doctor's report needs no lines while it runs: what it finds is in the report.
class Quiet final : public log::Reporter
{
public:
  void info(std::string_view) override {}
  void warning(std::string_view) override {}
  void error(std::string_view) override {}
};

enum class Output { lines, json, metrics, serve };

struct Options {
  steps::DoctorInput input;
  Output output = Output::lines;
  std::optional<watch::ListenAddress> listen;
  std::int64_t interval_ns = 60 * duration::k_nanos_per_second;
  bool interval_given = false;
  std::string pid; // --pid as given: a process ID or a process name; empty: this process's peer
};

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
  out["claims_run"] = report.claims_run;
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
    builders.push_back(
      {{"name", b.name},
       {"path", b.path},
       {"propagateEnvironment", b.propagate},
       {"ours", b.ours},
       {"claims_ccaas", b.claims_ccaas},
       {"detect_ran", b.detect_ran},
       {"usable", b.usable},
       {"has_run", b.has_run},
       {"cannot_start", b.cannot_start.empty() ? nlohmann::json(nullptr) : nlohmann::json(b.cannot_start)},
       {"detect_runs", b.detect_runs},
       {"detect_shell_errors", b.detect_shell_errors}});
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

// "2 error(s), 0 warning(s), 9 ok": the last line of the doctor's output, and the exporter's log.
std::string summary(const steps::DoctorReport& report)
{
  const std::array<int, 3> counts = steps::severity_counts(report.findings);
  return std::to_string(counts[2]) + " error(s), " + std::to_string(counts[1]) + " warning(s), "
         + std::to_string(counts[0]) + " ok";
}

// The checks that could not run, for the exporter's log, which prints no findings: without it, a
// sidecar's log would say that a run failed and not why.
std::string own_trouble(const steps::DoctorReport& report)
{
  std::string out;
  for (const steps::Finding& f : report.findings) {
    if (f.own_trouble) {
      out += "; could not check " + f.group + ": " + f.message;
    }
  }
  return out;
}

void print(const steps::DoctorReport& report, log::Reporter& reporter)
{
  std::string group;
  for (const steps::Finding& f : report.findings) {
    if (f.group != group) {
      group = f.group;
      reporter.info("== " + group);
    }
    reporter.info(std::string(steps::severity_name(f.severity)) + ": " + f.subject + ": " + f.message
                  + (f.hint.empty() ? "" : "; fix: " + f.hint));
  }
  reporter.info(summary(report)
                + (report.unchecked ? "; some checks could not run (the doctor's own trouble, said above)" : "")
                + (report.outcome == steps::Outcome::terminated ? "; terminated before every check ran" : ""));
}

// One doctor run, timed, for --metrics and each of --serve's intervals.
struct TimedReport {
  steps::DoctorReport report;
  watch::RunTiming timing;
};

TimedReport timed_doctor(const steps::DoctorInput& input, steps::Context& context)
{
  const auto start = std::chrono::steady_clock::now();
  TimedReport out{steps::doctor(input, context), {context.now, 0}};
  out.timing.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

// Reads the arguments; an error string when they are wrong.
std::string parse(const std::vector<std::string>& args, Options& options)
{
  const auto set_output = [&options](Output output, const std::string& name) -> std::string {
    if (options.output != Output::lines && options.output != output) {
      return "--json, --metrics and --serve exclude each other (" + name + ")";
    }
    options.output = output;
    return "";
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    std::string error;
    if (arg == "--json") {
      error = set_output(Output::json, arg);
    } else if (arg == "--metrics") {
      error = set_output(Output::metrics, arg);
    } else if (arg == "--config" && has_value) {
      options.input.config_dir = args[++i];
    } else if (arg == "--pid" && has_value) {
      options.pid = args[++i];
      if (!valid_process(options.pid)) {
        return "--pid " + options.pid
               + ": neither a process ID nor a process name (the peer's name is peer: --pid peer; its ID: pgrep -x "
                 "peer, or ps)";
      }
    } else if (arg == "--serve" && has_value) {
      error = set_output(Output::serve, arg);
      options.listen = watch::parse_listen_address(args[++i], error);
    } else if (arg == "--interval" && has_value) {
      const duration::DurationResult parsed = duration::parse_go_duration(args[++i]);
      if (!parsed.nanos || *parsed.nanos < duration::k_nanos_per_ms) {
        return "--interval " + args[i] + ": " + (parsed.nanos ? "at least 1ms" : parsed.error)
               + " (a Go duration, such as 60s)";
      }
      options.interval_ns = *parsed.nanos;
      options.interval_given = true;
    } else if (arg == "--config" || arg == "--serve" || arg == "--interval" || arg == "--pid") {
      return arg + " needs a value";
    } else {
      return "unknown argument " + arg;
    }
    if (!error.empty()) {
      return error;
    }
  }
  if (options.interval_given && options.output != Output::serve) {
    return "--interval goes with --serve";
  }
  return "";
}

} // namespace

int run_doctor(int argc, char** argv)
{
  signals::ignore_broken_pipes();
  log::StderrReporter reporter("doctor");
  Options options;
  const std::string error = parse(std::vector<std::string>(argv + 2, argv + argc), options);
  if (!error.empty()) {
    reporter.error(error + " (" + k_usage + ")");
    return k_exit_usage;
  }
  steps::DoctorInput& input = options.input;
  if (!options.pid.empty()) {
    // The programs the doctor runs in the peer's root run as the peer, and the peer's other
    // processes too: none of them may attach to this process or follow its /proc/PID/root into
    // the debug container (ptrace access to a process that is not dumpable needs CAP_SYS_PTRACE).
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    // Another process's peer (--serve reads it again at each run). A kernel that refuses that is
    // the doctor's own trouble: one line, what to add, and exit 3.
    try {
      read_peer(options.pid, input);
    } catch (const OwnTrouble& e) {
      reporter.error(std::string("NOT CHECKED: ") + e.what());
      return k_exit_unchecked;
    } catch (const Failure& e) {
      reporter.error(e.what());
      return k_exit_failure;
    }
  } else {
    input.peer = process::read_self();
  }
  input.env = steps::viper_environment(input.peer.environ);
  return guarded(reporter, [&] {
    input.our_builder_dir = our_builder_dir(argv[0]);
    steps::Context context = make_context(reporter, true);
    if (options.output == Output::serve) {
      Quiet quiet;
      const watch::RunOnce run_once = [&input, &quiet, &options, &reporter]() -> std::optional<watch::Snapshot> {
        if (!options.pid.empty()) {
          follow_peer(options.pid, input, reporter);
        }
        steps::Context each = make_context(quiet, false); // the handlers are installed above
        const TimedReport run = timed_doctor(input, each);
        if (each.cancel.requested()) {
          return std::nullopt;
        }
        same_peer(input);
        return watch::Snapshot{watch::doctor_metrics(run.report, run.timing),
                               summary(run.report) + own_trouble(run.report),
                               run.report.unchecked,
                               run.timing.started};
      };
      watch::serve({*options.listen, options.interval_ns, signals::termination_fd()}, run_once, reporter);
      return steps::Outcome::ok;
    }
    const TimedReport run = timed_doctor(input, context);
    const steps::DoctorReport& report = run.report;
    if (report.outcome != steps::Outcome::terminated) {
      try {
        same_peer(input);
      } catch (const OwnTrouble& e) {
        reporter.error(std::string("NOT CHECKED: ") + e.what());
        return steps::Outcome::unchecked;
      }
    }
    if (options.output == Output::json) {
      // Bytes of the peer's that are not UTF-8 (an environment, a builder's name) become U+FFFD.
      write_fully(STDOUT_FILENO, json_of(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    } else if (options.output == Output::metrics) {
      write_fully(STDOUT_FILENO, watch::doctor_metrics(report, run.timing));
    } else {
      print(report, reporter);
    }
    return report.outcome;
  });
}

} // namespace ccaas::cli
