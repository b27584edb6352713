#include "ccaas/probe/deadline.hpp"

#include <poll.h>

#include <cerrno>

namespace ccaas::probe {

bool Cancel::requested() const
{
  if (fd < 0) {
    return false;
  }
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

int wait_fd(int fd, short events, const Deadline& deadline, const Cancel& cancel, int max_wait_ms)
{
  for (;;) {
    pollfd fds[2] = {{fd, events, 0}, {cancel.fd, POLLIN, 0}};
    int timeout = deadline.remaining_ms();
    if (max_wait_ms >= 0 && max_wait_ms < timeout) {
      timeout = max_wait_ms;
    }
    const int n = ::poll(fds, cancel.fd >= 0 ? 2 : 1, timeout);
    if (n < 0 && errno == EINTR) {
      if (cancel.requested()) {
        return -1;
      }
      continue;
    }
    if (n <= 0) {
      return 0;
    }
    if (cancel.fd >= 0 && (fds[1].revents & POLLIN) != 0) {
      return -1;
    }
    return fds[0].revents;
  }
}

} // namespace ccaas::probe
