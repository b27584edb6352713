#include "ccaas/probe/dial_order.hpp"

#include <algorithm>

namespace ccaas::probe {

namespace {

constexpr double k_sane_minimum_ms = 2000;  // net/dial.go partialDeadline
constexpr double k_fallback_delay_ms = 300; // net/dial.go fallbackDelay

struct SerialResult {
  bool determined = false;
  bool connects = false;
  int winner = -1;
  double end_ms = 0; // when it connected, or when the last address gave up
};

// dialSerial over the attempts at indexes, starting at start_ms of the peer's clock.
SerialResult dial_serial(const std::vector<AddressAttempt>& attempts,
                         const std::vector<int>& indexes,
                         double start_ms,
                         double elapsed_ms,
                         double timeout_ms)
{
  SerialResult result;
  double now = start_ms;
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const double remaining = timeout_ms - now;
    if (remaining <= 0) {
      break;
    }
    double share = remaining / static_cast<double>(indexes.size() - i);
    if (share < k_sane_minimum_ms) {
      share = std::min(remaining, k_sane_minimum_ms);
    }
    const AddressAttempt& attempt = attempts[static_cast<std::size_t>(indexes[i])];
    if (attempt.state == AttemptState::connected && attempt.ms <= share) {
      result = {true, true, indexes[i], now + attempt.ms};
      return result;
    }
    if (attempt.state == AttemptState::failed && attempt.ms <= share) {
      now += attempt.ms;
      continue;
    }
    if (attempt.state == AttemptState::pending && elapsed_ms < share) {
      return result; // not known yet whether it answers within its share
    }
    now += share; // the peer gives up on this address at the end of its share
  }
  result.determined = true;
  result.end_ms = std::min(now, timeout_ms);
  return result;
}

} // namespace

DialVerdict peer_dial_verdict(const std::vector<AddressAttempt>& attempts, double elapsed_ms, double timeout_ms)
{
  DialVerdict verdict;
  if (attempts.empty()) {
    verdict.determined = true;
    return verdict;
  }
  std::vector<int> primaries;
  std::vector<int> fallbacks;
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    (attempts[i].ipv6 == attempts[0].ipv6 ? primaries : fallbacks).push_back(static_cast<int>(i));
  }
  const SerialResult primary = dial_serial(attempts, primaries, 0, elapsed_ms, timeout_ms);
  if (fallbacks.empty()) {
    verdict.determined = primary.determined;
    verdict.connects = primary.connects;
    if (primary.connects) {
      verdict.winner = primary.winner;
      verdict.at_ms = primary.end_ms;
    }
    return verdict;
  }
  // The other family starts after 300 ms, or as soon as the first family has failed.
  const double fallback_start =
    (primary.determined && !primary.connects) ? std::min(primary.end_ms, k_fallback_delay_ms) : k_fallback_delay_ms;
  if (primary.determined && primary.connects && primary.end_ms <= fallback_start) {
    return {true, true, primary.winner, primary.end_ms};
  }
  // Attempt times are durations (every attempt started at 0), so they hold from any start.
  const SerialResult fallback = dial_serial(attempts, fallbacks, fallback_start, elapsed_ms, timeout_ms);
  // One family undecided: a still-silent attempt answers no earlier than the time elapsed, so an
  // answer from the other family before that decides the race.
  if (!primary.determined) {
    if (fallback.determined && fallback.connects && fallback.end_ms <= elapsed_ms) {
      return {true, true, fallback.winner, fallback.end_ms};
    }
    return verdict;
  }
  if (!fallback.determined) {
    if (primary.connects && primary.end_ms <= fallback_start + elapsed_ms) {
      return {true, true, primary.winner, primary.end_ms};
    }
    return verdict;
  }
  verdict.determined = true;
  const bool primary_first = primary.connects && (!fallback.connects || primary.end_ms <= fallback.end_ms);
  if (primary_first) {
    verdict = {true, true, primary.winner, primary.end_ms};
  } else if (fallback.connects) {
    verdict = {true, true, fallback.winner, fallback.end_ms};
  }
  return verdict;
}

} // namespace ccaas::probe
