#include "ccaas/probe/tcp_connect.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ccaas::probe {

namespace {

int start_connect(const Endpoint& endpoint, int& error)
{
  const int fd = ::socket(endpoint.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    error = errno;
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
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

} // namespace

ConnectResult connect_first(const std::vector<Endpoint>& endpoints, const Deadline& deadline, const Cancel& cancel)
{
  ConnectResult result;
  const Clock::time_point start = Clock::now();
  std::vector<int> fds(endpoints.size(), -1);
  std::size_t pending = 0;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    ConnectAttempt attempt{endpoints[i], ConnectOutcome::timed_out, 0, {}};
    int error = 0;
    fds[i] = start_connect(endpoints[i], error);
    if (fds[i] < 0) {
      attempt.outcome = outcome_of(error);
      attempt.error = std::strerror(error);
      attempt.ms = ms_since(start);
    } else {
      ++pending;
    }
    result.attempts.push_back(attempt);
  }

  while (pending > 0 && result.fd < 0) {
    std::vector<pollfd> polled;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i] >= 0) {
        polled.push_back({fds[i], POLLOUT, 0});
        index.push_back(i);
      }
    }
    if (cancel.fd >= 0) {
      polled.push_back({cancel.fd, POLLIN, 0});
    }
    const int n = ::poll(polled.data(), polled.size(), deadline.remaining_ms());
    if (n < 0 && errno != EINTR) {
      break;
    }
    if (cancel.requested()) {
      result.cancelled = true;
      break;
    }
    if (n == 0 && deadline.expired()) {
      break;
    }
    for (std::size_t k = 0; k < index.size(); ++k) {
      if (polled[k].revents == 0) {
        continue;
      }
      const std::size_t i = index[k];
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &error, &length);
      ConnectAttempt& attempt = result.attempts[i];
      attempt.ms = ms_since(start);
      attempt.outcome = outcome_of(error);
      --pending;
      if (error == 0 && result.fd < 0) {
        result.fd = fds[i];
        result.winner = static_cast<int>(i);
        fds[i] = -1;
      } else {
        attempt.error = error == 0 ? "" : std::strerror(error);
        ::close(fds[i]);
        fds[i] = -1;
      }
    }
  }
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i] >= 0) {
      ConnectAttempt& attempt = result.attempts[i];
      attempt.ms = ms_since(start);
      attempt.outcome = result.fd >= 0 ? ConnectOutcome::abandoned : ConnectOutcome::timed_out;
      ::close(fds[i]);
    }
  }
  return result;
}

int connect_one(const Endpoint& endpoint, const Deadline& deadline, const Cancel& cancel)
{
  ConnectResult result = connect_first({endpoint}, deadline, cancel);
  return result.fd;
}

} // namespace ccaas::probe
