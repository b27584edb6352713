#include "ccaas/steps/doctor.hpp"

#include "ccaas/probe/report.hpp"
#include "ccaas/steps/doctor_checks.hpp"

#include <algorithm>

namespace ccaas::steps {

using namespace doctor_checks;

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

namespace {

// From outside, every path in a finding is the peer's own: /proc/PID/root/etc/... as /etc/...
void name_peer_paths(DoctorReport& report, const DoctorInput& input)
{
  if (!input.outside) {
    return;
  }
  const std::string prefix = input.peer.root.root().string();
  const auto strip = [&prefix](std::string& text) {
    for (std::size_t at = text.find(prefix + "/"); at != std::string::npos; at = text.find(prefix + "/", at)) {
      text.erase(at, prefix.size());
    }
  };
  for (Finding& f : report.findings) {
    strip(f.subject);
    strip(f.message);
    strip(f.hint);
  }
}

// The findings in order and the verdict: what every run ends with, a terminated one too.
void conclude(DoctorReport& report)
{
  // One group after the other: configuration, builders, then each chaincode in directory order.
  const auto rank = [&report](const Finding& f) -> std::size_t {
    if (f.group == k_configuration) {
      return 0;
    }
    if (f.group == k_builders) {
      return 1;
    }
    for (std::size_t i = 0; i < report.builds.size(); ++i) {
      if (f.group == group_of(report.builds[i])) {
        return 3 + i;
      }
    }
    return 2;
  };
  std::stable_sort(report.findings.begin(), report.findings.end(), [&rank](const Finding& a, const Finding& b) {
    return rank(a) < rank(b);
  });
  report.unchecked =
    std::any_of(report.findings.begin(), report.findings.end(), [](const Finding& f) { return f.own_trouble; });
  report.ok = std::none_of(
    report.findings.begin(), report.findings.end(), [](const Finding& f) { return f.severity == Severity::error; });
  if (report.outcome != Outcome::terminated) {
    // An error is an error; the doctor's own trouble alone is no verdict either way.
    report.outcome = !report.ok ? Outcome::failed : report.unchecked ? Outcome::unchecked : Outcome::ok;
  }
}

} // namespace

DoctorReport doctor(const DoctorInput& input, Context& context)
{
  DoctorReport report;
  Findings findings(report.findings);
  report.config = contract::read_peer_config(input.config_dir, input.env, input.peer.root);
  check_configuration(report.config, input, findings);
  report.builders = check_builders(report.config, input, findings);
  report.packages = read_installed(report.config, input.peer.root, findings);
  const config::PackageTypes types = our_types(report.builders, input.env);
  const bool claims_known = find_claims(input, types, report.builders, report.packages, context.cancel, findings);
  report.claims_run = claims_known;
  if (context.cancel.requested()) {
    report.outcome = Outcome::terminated; // a detect run was killed for it: what follows would say nothing
    name_peer_paths(report, input);
    conclude(report);
    return report;
  }
  check_order(report.config, report.builders, input, claims_known, findings);
  check_fallback(report.config, input, findings);
  report_claims(report.packages, report.builders, claims_known, types, report.config, input, findings);
  // No builder takes a ccaas package: what keeps the builders from it is the cause of an error.
  const bool ccaas_unclaimed =
    claims_known && std::none_of(report.builders.begin(), report.builders.end(), [](const BuilderInfo& b) {
      return b.claims_ccaas && b.usable;
    });
  check_ignored_variables(input, ccaas_unclaimed, findings);
  report_broken_detects(report.builders, ccaas_unclaimed, findings);

  std::vector<std::optional<contract::Connection>> connections;
  report.builds = read_builds(report.config, input, report.builders, report.packages, context, connections, findings);
  probe_builds(report.builds, connections, context);
  for (const BuildInfo& build : report.builds) {
    if (!build.report) {
      continue;
    }
    const std::string group = group_of(build);
    if (build.report->cancelled) {
      report.outcome = Outcome::terminated;
    } else if (build.report->unchecked) {
      findings.cannot_check(group, "probe", probe::verdict_line(*build.report), ""); // the line has the hint
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
  name_peer_paths(report, input);
  conclude(report);
  return report;
}

contract::EnvLookup viper_environment(const std::map<std::string, std::string>& environ)
{
  return [&environ](const char* name) -> std::optional<std::string> {
    const auto found = environ.find(name);
    if (found == environ.end() || found->second.empty()) {
      return std::nullopt;
    }
    return found->second;
  };
}

std::array<int, 3> severity_counts(const std::vector<Finding>& findings)
{
  std::array<int, 3> counts{};
  for (const Finding& f : findings) {
    ++counts.at(static_cast<std::size_t>(f.severity));
  }
  return counts;
}

} // namespace ccaas::steps
