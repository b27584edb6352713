#pragma once

#include "ccaas/probe/deadline.hpp"
#include "ccaas/probe/resolve.hpp"

#include <string>
#include <vector>

namespace ccaas::probe {

enum class ConnectOutcome { connected, refused, unreachable, timed_out, abandoned, error };

struct ConnectAttempt {
  Endpoint endpoint;
  ConnectOutcome outcome = ConnectOutcome::error;
  double ms = 0;
  std::string error; // strerror text for refused, unreachable and error
};

struct ConnectResult {
  int fd = -1;     // the first connection made; the caller owns it
  int winner = -1; // its index in attempts
  bool cancelled = false;
  std::vector<ConnectAttempt> attempts;
};

// Connects to every endpoint at once and keeps the first that answers; the others are closed.
// A connection that neither succeeds nor fails before the deadline is reported timed_out: its
// packets were dropped (a firewall, a NetworkPolicy, an address nothing routes to).
ConnectResult connect_first(const std::vector<Endpoint>& endpoints, const Deadline& deadline, const Cancel& cancel);

// Opens one more connection to endpoint, for a second look at a server. -1 on failure.
int connect_one(const Endpoint& endpoint, const Deadline& deadline, const Cancel& cancel);

} // namespace ccaas::probe
