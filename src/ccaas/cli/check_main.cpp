#include "ccaas/cli/check_main.hpp"

#include "ccaas/cli/step_main.hpp"
#include "ccaas/config/env.hpp"
#include "ccaas/contract/duration.hpp"
#include "ccaas/probe/report.hpp"
#include "ccaas/steps/check.hpp"
#include "ccaas/steps/connection_file.hpp"
#include "ccaas/util/error.hpp"
#include "ccaas/util/fd.hpp"
#include "ccaas/util/log.hpp"
#include "ccaas/util/signals.hpp"

#include <unistd.h>

#include <string>
#include <vector>

namespace ccaas::cli {

namespace {

constexpr const char* k_usage = "usage: run --check PATH [--ccid ID] [--dial-timeout DURATION] [--json]";

int usage(const std::string& problem)
{
  log::error(problem + " (" + k_usage + ")");
  return k_exit_usage;
}

} // namespace

int run_check(int argc, char** argv)
{
  signals::ignore_broken_pipes();
  log::set_step("check");
  const std::vector<std::string> args(argv + 2, argv + argc);
  steps::CheckInput input;
  bool json = false;
  bool have_path = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--json") {
      json = true;
    } else if (arg == "--ccid" || arg == "--dial-timeout") {
      if (i + 1 >= args.size()) {
        return usage(arg + " needs a value");
      }
      const std::string& value = args[++i];
      if (arg == "--ccid") {
        input.ccid = value;
      } else {
        const contract::DurationResult parsed = contract::parse_go_duration(value);
        if (!parsed.nanos || *parsed.nanos < contract::k_nanos_per_ms) {
          return usage("--dial-timeout: " + (parsed.nanos ? "must be at least 1ms" : parsed.error));
        }
        input.dial_timeout = parsed.nanos;
      }
    } else if (arg.rfind("--", 0) == 0) {
      return usage("unknown option " + arg);
    } else if (have_path) {
      return usage("one PATH only");
    } else {
      input.path = arg;
      have_path = true;
    }
  }
  if (!have_path) {
    return usage("PATH is missing");
  }

  signals::install_termination_handlers();
  input.builder_config = config::get(config::k_builder_config);
  input.default_dial_timeout = config::get(config::k_dial_timeout);
  try {
    input.default_dial_timeout_ns = config::default_dial_timeout_ns();
  } catch (const Failure& e) {
    return usage(e.what());
  }
  input.now = steps::now_seconds();
  input.cancel_fd = signals::termination_fd();

  const steps::CheckResult result = steps::check(input);
  const probe::ProbeReport& report = result.report;
  if (json) {
    nlohmann::json out = probe::report_json(report);
    if (report.address.empty()) {
      out["address"] = nullptr;
    }
    out["kind"] = result.kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(result.kind);
    out["package_id"] = result.package_id ? nlohmann::json(*result.package_id) : nlohmann::json(nullptr);
    out["connection"] = result.connection ? nlohmann::json::parse(result.connection->dump()) : nlohmann::json(nullptr);
    write_fully(STDOUT_FILENO, out.dump() + "\n");
  } else {
    if (!result.kind.empty()) {
      log::info(input.path.string() + ": " + result.kind
                + (result.package_id ? ", package ID " + *result.package_id : ""));
    }
    if (result.connection) {
      log::info("connection.json as the peer reads it (PEM redacted): " + result.connection->dump());
    }
    for (const std::string& line : probe::stage_lines(report)) {
      log::info(line);
    }
    if (report.failed_stage == probe::Stage::config) {
      log::info("FAILED at config: the peer could not use this package (the lines above say why)");
    } else if (report.ok) {
      log::info("OK: " + probe::verdict_line(report));
    } else {
      log::info("FAILED: " + probe::verdict_line(report));
    }
  }
  if (signals::termination_requested()) {
    return k_exit_terminated;
  }
  return report.ok ? k_exit_ok : k_exit_failure;
}

} // namespace ccaas::cli
