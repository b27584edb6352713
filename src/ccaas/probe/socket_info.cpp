#include "ccaas/probe/socket_info.hpp"

// linux/tcp.h, not netinet/tcp.h: glibc's struct tcp_info stops before the byte counters.
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>

namespace ccaas::probe {

namespace {

// The kernel's TCP states (include/net/tcp_states.h), which linux/tcp.h does not name.
constexpr int k_close = 7;
constexpr int k_close_wait = 8;
constexpr int k_last_ack = 9;

} // namespace

std::uint64_t SocketInfo::payload_received() const
{
  if (counts_segments && data_segs_in == 0) {
    return 0; // whatever bytes_received holds is a FIN
  }
  return fin_received() && bytes_received > 0 ? bytes_received - 1 : bytes_received;
}

bool SocketInfo::fin_received() const
{
  if (state == k_close_wait || state == k_last_ack) {
    return true;
  }
  // In CLOSE the state no longer tells; with no payload segment, a counted byte is the FIN.
  return state == k_close && counts_segments && data_segs_in == 0 && bytes_received > 0;
}

bool SocketInfo::closed_by_peer() const
{
  return valid && (state == k_close_wait || state == k_last_ack || reset_by_peer());
}

bool SocketInfo::reset_by_peer() const
{
  return valid && (so_error == ECONNRESET || (state == k_close && so_error != ETIMEDOUT));
}

SocketInfo read_socket_info(int fd)
{
  SocketInfo info;
  tcp_info tcp = {};
  socklen_t length = sizeof tcp;
  if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &tcp, &length) != 0) {
    return info;
  }
  info.valid = true;
  info.state = tcp.tcpi_state;
  info.snd_mss = tcp.tcpi_snd_mss;
  info.pmtu = tcp.tcpi_pmtu;
  info.unacked = tcp.tcpi_unacked;
  info.total_retrans = tcp.tcpi_total_retrans;
  // Kernels before 4.1 fill a shorter struct: the byte counters are then absent (zero).
  if (length >= offsetof(tcp_info, tcpi_bytes_received) + sizeof tcp.tcpi_bytes_received) {
    info.bytes_acked = tcp.tcpi_bytes_acked;
    info.bytes_received = tcp.tcpi_bytes_received;
  }
  if (length >= offsetof(tcp_info, tcpi_data_segs_in) + sizeof tcp.tcpi_data_segs_in) {
    info.data_segs_in = tcp.tcpi_data_segs_in;
    info.counts_segments = true;
  }
  int error = 0;
  socklen_t error_length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_length) == 0) {
    info.so_error = error;
  }
  return info;
}

} // namespace ccaas::probe
