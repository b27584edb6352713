#pragma once

#include <optional>
#include <vector>

// How the peer's dialer walks a name's addresses (Go's net.Dialer, which grpc-go's passthrough
// resolver hands the whole host:port): the addresses of the first one's family in order, each
// given an equal share of the time left but never less than 2 s unless less is left
// (partialDeadline in net/dial.go); the other family in parallel, 300 ms later or as soon as
// the first family has failed (happy eyeballs, dialParallel). The probe tries every address at
// once and asks this model which one the peer would reach, and when.
namespace ccaas::probe {

enum class AttemptState { pending, connected, failed };

struct AddressAttempt {
  bool ipv6 = false;
  AttemptState state = AttemptState::pending;
  double ms = 0; // when it connected or failed, from the start of all attempts
};

struct DialVerdict {
  bool determined = false;   // false: a pending attempt still decides it
  bool connects = false;     // the peer's dialer would connect within the timeout
  std::optional<int> winner; // the attempt it would connect with
  double at_ms = 0;          // when, on the peer's clock
};

// Every attempt started at 0; elapsed_ms is now. A pending attempt counts as timed out for the
// peer once elapsed_ms passes the share of time the peer would give it.
DialVerdict peer_dial_verdict(const std::vector<AddressAttempt>& attempts, double elapsed_ms, double timeout_ms);

} // namespace ccaas::probe
