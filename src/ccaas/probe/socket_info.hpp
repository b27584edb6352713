#pragma once

#include <cstdint>

namespace ccaas::probe {

// What the kernel knows about a TCP connection (TCP_INFO): whether the other side said anything,
// closed or reset it, and whether what was sent got through. Numbers, not error texts: the
// verdicts that read them do not change with a library's wording.
struct SocketInfo {
  bool valid = false;
  int state = 0;                    // TCP_ESTABLISHED, TCP_CLOSE_WAIT, ... (netinet/tcp.h)
  std::uint64_t bytes_received = 0; // payload bytes the server sent us, plus one for its FIN
  std::uint32_t data_segs_in = 0;   // segments with payload the server sent us (FIN and RST carry none)
  bool counts_segments = false;     // the kernel fills data_segs_in (Linux 4.6 and later)
  std::uint64_t bytes_acked = 0;    // payload bytes of ours the server acknowledged
  std::uint32_t snd_mss = 0;        // the largest segment payload this connection sends
  std::uint32_t pmtu = 0;           // the path MTU the kernel assumes
  std::uint32_t unacked = 0;        // segments sent and not acknowledged
  std::uint32_t total_retrans = 0;  // retransmissions over the connection's life
  int so_error = 0;                 // a pending socket error (ECONNRESET, ...)

  // Payload bytes from the server: the kernel counts a FIN in bytes_received as one, in whatever
  // state the connection ends (a FIN, then a reset for what we sent after it, leaves CLOSE).
  std::uint64_t payload_received() const;
  // The server sent a FIN (it may have reset the connection after it).
  bool fin_received() const;
  // The server closed (FIN) or reset (RST) the connection.
  bool closed_by_peer() const;
  bool reset_by_peer() const;
};

// TCP_INFO and SO_ERROR of a connected socket; valid is false when the kernel says nothing.
SocketInfo read_socket_info(int fd);

} // namespace ccaas::probe
