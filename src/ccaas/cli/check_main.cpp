#include "ccaas/cli/check_main.hpp"

#include "ccaas/cli/step_main.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/steps/check.hpp"
#include "ccaas/util/duration.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/signals.hpp"

#include <unistd.h>

#include <string>
#include <vector>

namespace ccaas::cli {

namespace {

constexpr const char* k_usage = "usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json]";

struct CheckArgs {
  steps::CheckInput input;
  bool json = false;
  std::string problem; // a usage error
};

CheckArgs parse(const std::vector<std::string>& args)
{
  CheckArgs parsed;
  bool have_path = false;
  for (std::size_t i = 0; i < args.size() && parsed.problem.empty(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--json") {
      parsed.json = true;
    } else if (arg == "--ccid" || arg == "--dial-timeout") {
      if (i + 1 >= args.size()) {
        parsed.problem = arg + " needs a value";
        break;
      }
      const std::string& value = args[++i];
      if (arg == "--ccid") {
        parsed.input.ccid = value;
      } else {
        const duration::DurationResult d = duration::parse_go_duration(value);
        if (!d.nanos || *d.nanos < duration::k_nanos_per_ms) {
          parsed.problem = "--dial-timeout: " + (d.nanos ? "must be at least 1ms" : d.error);
        }
        parsed.input.dial_timeout = d.nanos;
      }
    } else if (arg.rfind("--", 0) == 0) {
      parsed.problem = "unknown option " + arg;
    } else if (have_path) {
      parsed.problem = "one PATH only";
    } else {
      parsed.input.path = arg;
      have_path = true;
    }
  }
  if (parsed.problem.empty() && !have_path) {
    parsed.problem = "PATH is missing";
  }
  return parsed;
}

void print(const steps::CheckResult& result, const steps::CheckInput& input, bool json, log::Reporter& reporter)
{
  const probe::ProbeReport& report = result.report;
  if (json) {
    nlohmann::json out = probe::report_json(report);
    if (report.address.empty()) {
      out["address"] = nullptr;
    }
    out["kind"] = result.kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(result.kind);
    out["package_id"] = result.package_id ? nlohmann::json(*result.package_id) : nlohmann::json(nullptr);
    out["connection"] = result.connection ? nlohmann::json::parse(result.connection->dump()) : nlohmann::json(nullptr);
    write_fully(STDOUT_FILENO, out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return;
  }
  if (!result.kind.empty()) {
    reporter.info(input.path.string() + ": " + result.kind
                  + (result.package_id ? ", package ID " + *result.package_id : ""));
  }
  if (result.connection) {
    reporter.info("connection.json as the peer reads it (PEM redacted): " + result.connection->dump());
  }
  for (const std::string& line : probe::stage_lines(report)) {
    reporter.info(line);
  }
  if (report.unchecked) {
    reporter.info("NOT CHECKED: "
                  + (report.address.empty() ? report.error + "; " + report.hint : probe::verdict_line(report)));
  } else if (report.failed_stage == probe::Stage::config) {
    reporter.info("FAILED at config: the peer could not use this package (the lines above say why)");
  } else if (report.ok) {
    reporter.info("OK: " + probe::verdict_line(report));
  } else {
    reporter.info("FAILED: " + probe::verdict_line(report));
  }
}

} // namespace

int run_check(int argc, char** argv)
{
  signals::ignore_broken_pipes();
  log::StderrReporter reporter("check");
  CheckArgs parsed = parse(std::vector<std::string>(argv + 2, argv + argc));
  if (!parsed.problem.empty()) {
    reporter.error(parsed.problem + " (" + k_usage + ")");
    return k_exit_usage;
  }
  return guarded(reporter, [&] {
    // A bad variable is a failure of the environment, not of the command line: exit 1.
    const config::Settings settings =
      config::load_settings({&config::k_builder_config, &config::k_dial_timeout, &config::k_types});
    steps::CheckInput& input = parsed.input;
    input.template_data = settings.template_data;
    input.types = settings.types;
    input.default_dial_timeout_text = settings.dial_timeout_text;
    input.default_dial_timeout = settings.dial_timeout;
    steps::Context context = make_context(reporter, true);
    const steps::CheckResult result = steps::check(input, context);
    print(result, input, parsed.json, reporter);
    return result.outcome;
  });
}

} // namespace ccaas::cli
