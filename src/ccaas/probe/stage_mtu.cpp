#include "ccaas/probe/stages.hpp"
#include "ccaas/util/duration.hpp"

#include <netinet/in.h>

#include <algorithm>

namespace ccaas::probe {

namespace {

// A gRPC server takes request headers of 8 KiB (grpc-js' default metadata limit) or more: the
// padding stays below, which covers every path MTU up to jumbo frames.
constexpr std::size_t k_max_padding = 7 * 1024;
constexpr std::uint32_t k_default_mss = 1448; // a 1500-byte Ethernet MTU with TCP timestamps

} // namespace

bool mtu_stage(Session& session, ConnectCall& call)
{
  const SocketInfo before = call.socket_info();
  const std::uint32_t mss = before.valid && before.snd_mss > 0 ? before.snd_mss : k_default_mss;
  const std::size_t padding = std::min<std::size_t>(mss + 256, k_max_padding);
  const std::string sizes =
    before.pmtu > 0 ? std::to_string(mss) + "-byte segments in " + std::to_string(before.pmtu) + "-byte packets"
                    : std::to_string(mss) + "-byte segments";
  const Clock::time_point start = Clock::now();
  const Deadline deadline = session.within_limit(session.target.dial_timeout);
  const CallResult result = call.stream(deadline, deadline, padding);
  const double ms = ms_since(start);
  if (result.cancelled || session.cancelled()) {
    session.mark_cancelled();
    return false;
  }
  if (!result.setup_error.empty()) {
    session.cannot_check(result.setup_error);
    return false;
  }
  // Any answer on the stream, even a refusal, shows that the large request arrived.
  const bool answered = result.headers_ms >= 0
                        || (!result.timed_out && !result.new_connection && result.curl_code != 0
                            && result.socket.bytes_received > before.bytes_received);
  const std::string request = "a request of " + std::to_string(padding) + "+ bytes";
  if (answered) {
    const bool full = padding >= mss;
    session.pass(
      Stage::mtu,
      ms,
      request + (full ? " in full-size " + sizes : " (MSS " + std::to_string(mss) + ": a local or jumbo-frame path)")
        + " got an answer");
    return true;
  }
  if (result.new_connection || !before.valid || before.closed_by_peer() || result.socket.closed_by_peer()) {
    session.fail(Stage::mtu,
                 ms,
                 "the server closed the connection after the first stream",
                 "the server closed the connection after its REGISTER, so a second stream could not be sent",
                 "a chaincode server keeps the peer's connection open: check what ends it (a proxy's idle timeout, "
                 "the server's own settings)");
    return false;
  }
  if (!result.timed_out) {
    session.fail(Stage::mtu,
                 ms,
                 result.curl_error,
                 "the second stream on the connection failed: " + result.failure,
                 "a chaincode server serves several streams on one connection, as the peer uses it: check the "
                 "server's log");
    return false;
  }
  const std::uint32_t retransmits =
    result.socket.total_retrans > before.total_retrans ? result.socket.total_retrans - before.total_retrans : 0;
  session.fail(Stage::mtu,
               ms,
               request + " in full-size " + sizes + ": no answer"
                 + (retransmits > 0 ? ", " + std::to_string(retransmits) + " retransmission(s) unacknowledged" : ""),
               "full-size packets are dropped on the path to the chaincode server: the probe's first "
                 + std::to_string(before.bytes_acked) + " bytes passed in small packets, but " + request + " in "
                 + sizes + " got no answer within the dial timeout (" + session.dial_text()
                 + "); the peer's first full-size proposal would hang the same way",
               "an MTU mismatch between the nodes: an overlay (VXLAN, Geneve, IPIP, WireGuard) adds a header and the "
               "underlay's MTU is smaller than the pods' interfaces assume; align the CNI's MTU with the underlay, or "
               "lower it by the tunnel's overhead (VXLAN 50 bytes, IPIP 20, WireGuard 80)");
  return false;
}

} // namespace ccaas::probe
