#include "ccaas/probe/tcp_connect.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ccaas::probe {

namespace {

// How often the wait wakes without an event, for settled to see time pass.
constexpr int k_tick_ms = 50;

int start_connect(const Endpoint& endpoint, int& error)
{
  const int fd = ::socket(endpoint.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    error = errno;
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // An ICMP error for the SYN goes to the error queue too, with the address that sent it.
  if (endpoint.addr.ss_family == AF_INET6) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
  } else {
    ::setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&endpoint.addr), endpoint.length) == 0 || errno == EINPROGRESS) {
    error = 0;
    return fd;
  }
  error = errno;
  ::close(fd);
  return -1;
}

ConnectOutcome outcome_of(int error)
{
  switch (error) {
    case 0:
    case ECONNRESET: // the handshake completed and the server reset it at once: what follows says so
      return ConnectOutcome::connected;
    case ECONNREFUSED:
      return ConnectOutcome::refused;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
      return ConnectOutcome::unreachable;
    case ETIMEDOUT:
      return ConnectOutcome::timed_out;
    default:
      return ConnectOutcome::error;
  }
}

std::string text_of(const sockaddr* address)
{
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  }
  return text;
}

bool local_address(const std::string& ip)
{
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    return false;
  }
  bool found = false;
  for (const ifaddrs* a = list; a != nullptr && !found; a = a->ifa_next) {
    found = a->ifa_addr != nullptr && text_of(a->ifa_addr) == ip;
  }
  ::freeifaddrs(list);
  return found;
}

// The ICMP error behind a failed connect, if one came: who sent it.
void read_offender(int fd, ConnectAttempt& attempt)
{
  char control[512];
  char data[64];
  iovec iov{data, sizeof data};
  msghdr message{};
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  if (::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
    return;
  }
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    const bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
    const bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (!v4 && !v6) {
      continue;
    }
    sock_extended_err error{};
    std::memcpy(&error, CMSG_DATA(c), sizeof error);
    if (error.ee_origin != SO_EE_ORIGIN_ICMP && error.ee_origin != SO_EE_ORIGIN_ICMP6) {
      continue;
    }
    const auto* offender = reinterpret_cast<const sockaddr*>(reinterpret_cast<const unsigned char*>(CMSG_DATA(c))
                                                             + sizeof(sock_extended_err));
    attempt.offender = text_of(offender);
    attempt.offender_local = !attempt.offender.empty() && local_address(attempt.offender);
  }
}

void settle(ConnectAttempt& attempt, int error, double ms)
{
  attempt.ms = ms;
  attempt.outcome = outcome_of(error);
  attempt.errno_value = error;
  attempt.error = error == 0 ? "" : std::strerror(error);
}

} // namespace

int ConnectResult::take(std::size_t index)
{
  return index < sockets.size() ? sockets[index].release() : -1;
}

ConnectResult connect_all(const std::vector<Endpoint>& endpoints,
                          const Deadline& deadline,
                          const Cancel& cancel,
                          const Settled& settled)
{
  ConnectResult result;
  const Clock::time_point start = Clock::now();
  std::vector<UniqueFd> pending(endpoints.size());
  result.sockets.resize(endpoints.size());
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    ConnectAttempt attempt;
    attempt.endpoint = endpoints[i];
    int error = 0;
    const int fd = start_connect(endpoints[i], error);
    if (fd < 0) {
      settle(attempt, error, ms_since(start));
    } else {
      pending[i] = UniqueFd(fd);
    }
    result.attempts.push_back(attempt);
  }

  for (;;) {
    result.elapsed_ms = ms_since(start);
    const bool any_pending = std::any_of(result.attempts.begin(), result.attempts.end(), [](const ConnectAttempt& a) {
      return a.outcome == ConnectOutcome::pending;
    });
    if (!any_pending || settled(result.attempts, result.elapsed_ms) || deadline.expired()) {
      break;
    }
    std::vector<pollfd> polled;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (pending[i].get() >= 0) {
        polled.push_back({pending[i].get(), POLLOUT, 0});
        index.push_back(i);
      }
    }
    if (cancel.fd >= 0) {
      polled.push_back({cancel.fd, POLLIN, 0});
    }
    const int n = ::poll(polled.data(), polled.size(), std::min(deadline.remaining_ms(), k_tick_ms));
    if (n < 0 && errno != EINTR) {
      break;
    }
    if (cancel.requested()) {
      result.cancelled = true;
      break;
    }
    for (std::size_t k = 0; k < index.size(); ++k) {
      if (polled[k].revents == 0) {
        continue;
      }
      const std::size_t i = index[k];
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(pending[i].get(), SOL_SOCKET, SO_ERROR, &error, &length);
      settle(result.attempts[i], error, ms_since(start));
      if (error != 0) {
        read_offender(pending[i].get(), result.attempts[i]);
      }
      if (result.attempts[i].outcome == ConnectOutcome::connected) {
        result.sockets[i] = std::move(pending[i]);
      } else {
        pending[i].reset();
      }
    }
  }
  result.elapsed_ms = ms_since(start);
  for (ConnectAttempt& attempt : result.attempts) {
    if (attempt.outcome == ConnectOutcome::pending) {
      attempt.ms = result.elapsed_ms;
      attempt.outcome = deadline.expired() ? ConnectOutcome::timed_out : ConnectOutcome::abandoned;
    }
  }
  return result; // pending sockets close here
}

int connect_one(const Endpoint& endpoint, const Deadline& deadline, const Cancel& cancel)
{
  ConnectResult result = connect_all({endpoint}, deadline, cancel, [](const auto&, double) { return false; });
  return result.take(0);
}

} // namespace ccaas::probe
