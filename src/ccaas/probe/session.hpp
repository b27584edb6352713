#pragma once

#include "ccaas/probe/probe.hpp"
#include "ccaas/probe/protocol_sniff.hpp"
#include "ccaas/util/text.hpp"

#include <optional>
#include <string>
#include <vector>

// What the stages share while one probe runs: the target, the dial deadline, the report that
// they fill in, and a second look at a server whose answer did not fit.
namespace ccaas::probe {

class Session
{
public:
  Session(const ProbeTarget& target, const Cancel& cancel);

  const ProbeTarget& target;
  const Cancel& cancel;
  Deadline dial;  // the peer's dial_timeout: dns, tcp, tls and http2 together
  Deadline limit; // the whole probe: dial_timeout and k_probe_margin, whatever the server does
  ProbeReport report;

  // A wait of budget_ns from now, never past the probe's limit.
  Deadline within_limit(std::int64_t budget_ns) const;

  void pass(Stage stage, double ms, std::string detail);
  void fail(Stage stage, double ms, std::string detail, std::string error, std::string hint);
  // What the name resolved as, through the search list: said with any later failure's hint.
  std::string name_note;
  void warn(std::string warning);
  // The probe could not go on for a reason of its own (not the server's, not the package's).
  void cannot_check(const std::string& why);
  // Records a termination request; true when the probe must stop.
  bool cancelled();
  void mark_cancelled();

  std::string dial_text() const; // "3s"
  // What the server speaks, when not what the peer expects; asked once.
  Protocol second_look(const Endpoint& endpoint);

private:
  std::optional<Protocol> m_sniffed;
};

} // namespace ccaas::probe
