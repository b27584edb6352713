#include "ccaas/probe/dial_order.hpp"

#include <doctest/doctest.h>

using namespace ccaas::probe;

namespace {

AddressAttempt v4(AttemptState state, double ms = 0)
{
  return {false, state, ms};
}

AddressAttempt v6(AttemptState state, double ms = 0)
{
  return {true, state, ms};
}

} // namespace

TEST_CASE("one address: the peer connects when it answers within the dial timeout")
{
  const DialVerdict ok = peer_dial_verdict({v4(AttemptState::connected, 0.3)}, 0.3, 3000);
  CHECK(ok.determined);
  CHECK(ok.connects);
  CHECK(*ok.winner == 0);
  CHECK(ok.at_ms == doctest::Approx(0.3));

  const DialVerdict refused = peer_dial_verdict({v4(AttemptState::failed, 0.1)}, 0.1, 3000);
  CHECK(refused.determined);
  CHECK_FALSE(refused.connects);

  // Silent: undecided until its share (all of the timeout) has passed.
  CHECK_FALSE(peer_dial_verdict({v4(AttemptState::pending)}, 2999, 3000).determined);
  const DialVerdict silent = peer_dial_verdict({v4(AttemptState::pending)}, 3000, 3000);
  CHECK(silent.determined);
  CHECK_FALSE(silent.connects);
}

TEST_CASE("a dead address first: Go gives it an equal share, at least 2s, then tries the next")
{
  // 3s for two addresses: 1.5s each is below the 2s minimum, so the first gets 2s, the second 1s.
  const std::vector<AddressAttempt> attempts{v4(AttemptState::pending), v4(AttemptState::connected, 0.4)};
  CHECK_FALSE(peer_dial_verdict(attempts, 1999, 3000).determined);
  const DialVerdict reached = peer_dial_verdict(attempts, 2000, 3000);
  CHECK(reached.determined);
  CHECK(reached.connects);
  CHECK(*reached.winner == 1);
  CHECK(reached.at_ms == doctest::Approx(2000.4));

  // 1s: the first address takes all of it.
  const DialVerdict missed = peer_dial_verdict(attempts, 1000, 1000);
  CHECK(missed.determined);
  CHECK_FALSE(missed.connects);

  // 10s for two: 5s each.
  CHECK_FALSE(peer_dial_verdict(attempts, 4999, 10000).determined);
  CHECK(peer_dial_verdict(attempts, 5000, 10000).at_ms == doctest::Approx(5000.4));
}

TEST_CASE("a refused address first costs only its refusal")
{
  const DialVerdict v = peer_dial_verdict({v4(AttemptState::failed, 0.2), v4(AttemptState::connected, 0.5)}, 0.5, 3000);
  CHECK(v.determined);
  CHECK(v.connects);
  CHECK(*v.winner == 1);
  CHECK(v.at_ms == doctest::Approx(0.7));
}

TEST_CASE("the first address answering decides at once, whatever the others do")
{
  const DialVerdict v = peer_dial_verdict({v4(AttemptState::connected, 0.2), v4(AttemptState::pending)}, 0.2, 3000);
  CHECK(v.determined);
  CHECK(*v.winner == 0);
}

TEST_CASE("happy eyeballs: the other family starts 300 ms later, or at once when the first failed")
{
  // A dead IPv6 address first, a live IPv4 one: the IPv4 attempt starts at 300 ms.
  const std::vector<AddressAttempt> mixed{v6(AttemptState::pending), v4(AttemptState::connected, 0.5)};
  CHECK_FALSE(peer_dial_verdict(mixed, 200, 3000).determined);
  CHECK_FALSE(peer_dial_verdict(mixed, 300, 3000).determined); // the IPv6 one might still answer first
  const DialVerdict v = peer_dial_verdict(mixed, 350, 3000);
  CHECK(v.determined);
  CHECK(v.connects);
  CHECK(*v.winner == 1);
  CHECK(v.at_ms == doctest::Approx(300.5));

  // A refused IPv6 address: the fallback starts when it fails.
  const DialVerdict fast =
    peer_dial_verdict({v6(AttemptState::failed, 0.1), v4(AttemptState::connected, 0.5)}, 0.5, 3000);
  CHECK(fast.at_ms == doctest::Approx(0.6));

  // Both families answer: the primary wins when it answers before the fallback starts.
  const DialVerdict both =
    peer_dial_verdict({v6(AttemptState::connected, 0.4), v4(AttemptState::connected, 0.1)}, 0.4, 3000);
  CHECK(*both.winner == 0);
}

TEST_CASE("no address at all, or none that answers")
{
  const DialVerdict none = peer_dial_verdict({}, 0, 3000);
  CHECK(none.determined);
  CHECK_FALSE(none.connects);
  const DialVerdict dead = peer_dial_verdict({v4(AttemptState::failed, 0.1), v6(AttemptState::failed, 0.1)}, 0.1, 3000);
  CHECK(dead.determined);
  CHECK_FALSE(dead.connects);
}
