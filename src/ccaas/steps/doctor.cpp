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
  report.config = contract::read_peer_config(input.config_dir, input.env);
  check_configuration(report.config, findings);
  report.builders = check_builders(report.config, input, findings);
  report.packages = read_installed(report.config, findings);
  const config::PackageTypes types = our_types(report.builders, input.env);
  const bool claims_known = find_claims(input, types, report.builders, report.packages, context.cancel, findings);
  if (context.cancel.requested()) {
    report.outcome = Outcome::terminated; // a detect run was killed for it: what follows would say nothing
    conclude(report);
    return report;
  }
  check_order(report.config, report.builders, input, findings);
  check_fallback(report.config, findings);
  report_claims(report.packages, report.builders, claims_known, types, findings);

  std::vector<std::optional<contract::Connection>> connections;
  report.builds = read_builds(report.config, report.builders, report.packages, context, connections, findings);
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
  conclude(report);
  return report;
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
