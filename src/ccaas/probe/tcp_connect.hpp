#pragma once

#include "ccaas/probe/deadline.hpp"
#include "ccaas/probe/resolve.hpp"
#include "ccaas/util/fd.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ccaas::probe {

enum class ConnectOutcome { pending, connected, refused, unreachable, timed_out, abandoned, error };

struct ConnectAttempt {
  Endpoint endpoint;
  ConnectOutcome outcome = ConnectOutcome::pending;
  double ms = 0; // when it connected or failed
  int errno_value = 0;
  std::string error; // strerror text for refused, unreachable and error
  // Who said no, when an ICMP error did (the socket's error queue, IP_RECVERR): a router, a
  // node's REJECT rule, or this host itself when nothing on its network answers for the address.
  std::string offender;
  bool offender_local = false; // the offender is an address of this host
};

struct ConnectResult {
  bool cancelled = false;
  double elapsed_ms = 0;
  std::vector<ConnectAttempt> attempts;
  std::vector<UniqueFd> sockets; // the connected ones, by attempt; others empty

  // Takes the connected socket of attempt index; -1 when it has none.
  int take(std::size_t index);
};

// Says, from the attempts so far and the time elapsed, whether waiting longer can change the
// outcome; connect_all stops waiting as soon as it says no.
using Settled = std::function<bool(const std::vector<ConnectAttempt>& attempts, double elapsed_ms)>;

// Connects to every endpoint at once until settled says so, the deadline passes or cancel fires.
// An attempt that neither succeeds nor fails before the deadline is timed_out (its packets were
// dropped: a firewall, a NetworkPolicy, an address nothing routes to); one still pending when
// settled stopped the wait is abandoned.
ConnectResult connect_all(const std::vector<Endpoint>& endpoints,
                          const Deadline& deadline,
                          const Cancel& cancel,
                          const Settled& settled);

// Opens one connection to endpoint, for a second look at a server. -1 on failure.
int connect_one(const Endpoint& endpoint, const Deadline& deadline, const Cancel& cancel);

} // namespace ccaas::probe
