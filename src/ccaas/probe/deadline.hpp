#pragma once

#include <chrono>
#include <cstdint>

namespace ccaas::probe {

using Clock = std::chrono::steady_clock;

// A point in time that bounds a stage or several, as the peer's dial_timeout bounds its dial.
class Deadline
{
public:
  explicit Deadline(std::int64_t budget_ns)
    : m_end(Clock::now() + std::chrono::nanoseconds(budget_ns))
  {
  }
  explicit Deadline(Clock::time_point end)
    : m_end(end)
  {
  }

  Clock::time_point end() const { return m_end; }
  bool expired() const { return Clock::now() >= m_end; }
  // Milliseconds left, at least 0, rounded up so that a wait never ends early.
  int remaining_ms() const
  {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(m_end - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left > 1'000'000'000 ? 1'000'000'000 : left);
  }

private:
  Clock::time_point m_end;
};

inline double ms_since(Clock::time_point start)
{
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// What ends a probe early: a termination signal (readable cancel_fd), checked in every wait.
struct Cancel {
  int fd = -1; // -1: nothing cancels

  bool requested() const;
};

// Waits until fd is ready for events, the deadline passes or cancel fires. Returns the revents
// (0 on timeout, -1 when cancelled).
int wait_fd(int fd, short events, const Deadline& deadline, const Cancel& cancel, int max_wait_ms = -1);

} // namespace ccaas::probe
