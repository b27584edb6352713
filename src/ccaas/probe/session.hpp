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
  Deadline dial; // the peer's dial_timeout: dns, tcp, tls and http2 together
  ProbeReport report;

  void pass(Stage stage, double ms, std::string detail);
  void fail(Stage stage, double ms, std::string detail, std::string error, std::string hint);
  void warn(std::string warning);
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
