#include "ccaas/probe/socket_info.hpp"

#include <doctest/doctest.h>

#include <cerrno>

using ccaas::probe::SocketInfo;

namespace {

// The kernel's TCP states (include/net/tcp_states.h).
constexpr int k_established = 1;
constexpr int k_close = 7;
constexpr int k_close_wait = 8;

SocketInfo info(int state, std::uint64_t bytes, std::uint32_t segments, int so_error = 0)
{
  SocketInfo s;
  s.valid = true;
  s.state = state;
  s.bytes_received = bytes;
  s.data_segs_in = segments;
  s.counts_segments = true;
  s.so_error = so_error;
  return s;
}

} // namespace

TEST_CASE("a FIN is not payload, in whatever state the connection ends")
{
  // haproxy with no server: its FIN, then a reset for what the probe wrote after it.
  const SocketInfo fin_then_reset = info(k_close, 1, 0);
  CHECK(fin_then_reset.payload_received() == 0);
  CHECK(fin_then_reset.fin_received());
  CHECK(fin_then_reset.closed_by_peer());
  // A FIN alone: CLOSE_WAIT.
  const SocketInfo fin = info(k_close_wait, 1, 0);
  CHECK(fin.payload_received() == 0);
  CHECK(fin.fin_received());
  // A reset alone (nginx): nothing received at all.
  const SocketInfo reset = info(k_close, 0, 0);
  CHECK(reset.payload_received() == 0);
  CHECK_FALSE(reset.fin_received());
  CHECK(reset.reset_by_peer());
  // Nine bytes of a SETTINGS frame, then the FIN.
  const SocketInfo spoke = info(k_close_wait, 10, 1);
  CHECK(spoke.payload_received() == 9);
  // Still open, a reply in: no FIN to take off.
  CHECK(info(k_established, 9, 1).payload_received() == 9);
  CHECK_FALSE(info(k_established, 9, 1).closed_by_peer());
}

TEST_CASE("a kernel without the segment counter: the state alone tells a FIN")
{
  SocketInfo old = info(k_close_wait, 1, 0);
  old.counts_segments = false;
  CHECK(old.payload_received() == 0);
  old.state = k_close;
  CHECK(old.payload_received() == 1); // CLOSE says no more there: the byte may be payload
  old.so_error = ETIMEDOUT;
  CHECK_FALSE(old.reset_by_peer());
}
