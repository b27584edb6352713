#include "ccaas/probe/session.hpp"

#include "ccaas/util/duration.hpp"

#include <algorithm>

namespace ccaas::probe {

namespace {

// A second look must not be cut short by a tiny dial timeout.
constexpr std::int64_t k_min_second_look = 2 * duration::k_nanos_per_second;

} // namespace

Session::Session(const ProbeTarget& probe_target, const Cancel& probe_cancel)
  : target(probe_target)
  , cancel(probe_cancel)
  , dial(probe_target.dial_timeout)
  , limit(probe_target.dial_timeout + k_probe_margin_ns)
{
  report.address = contract::format_address(target.address);
  report.ccid_expected = target.expected_ccid;
}

void Session::pass(Stage stage, double ms, std::string detail)
{
  report.stages.push_back({stage, true, ms, std::move(detail)});
}

void Session::fail(Stage stage, double ms, std::string detail, std::string error, std::string hint)
{
  report.stages.push_back({stage, false, ms, std::move(detail)});
  report.failed_stage = stage;
  report.error = std::move(error);
  report.hint = std::move(hint);
  if (!name_note.empty() && stage != Stage::dns) {
    report.hint += report.hint.empty() ? name_note : "; " + name_note;
  }
}

void Session::warn(std::string warning)
{
  report.warnings.push_back(std::move(warning));
}

Deadline Session::within_limit(std::int64_t budget_ns) const
{
  const Deadline wanted(budget_ns);
  return wanted.end() < limit.end() ? wanted : limit;
}

void Session::cannot_check(const std::string& why)
{
  report.unchecked = true;
  report.error = "the probe could not run: " + why;
  report.hint = "this says nothing about the chaincode server; run the check again, and report it as a "
                "ccaas-builder problem if it persists";
}

bool Session::cancelled()
{
  if (cancel.requested()) {
    mark_cancelled();
  }
  return report.cancelled;
}

void Session::mark_cancelled()
{
  report.cancelled = true;
  report.error = "cancelled";
}

std::string Session::dial_text() const
{
  return duration::format_go_duration(target.dial_timeout);
}

Protocol Session::second_look(const Endpoint& endpoint)
{
  if (!m_sniffed) {
    m_sniffed = sniff_protocol(endpoint, within_limit(std::max(target.dial_timeout, k_min_second_look)), cancel);
  }
  return *m_sniffed;
}

} // namespace ccaas::probe
