#include "ccaas/util/fd.hpp"

#include <unistd.h>

#include <cerrno>

namespace ccaas {

UniqueFd::~UniqueFd()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void UniqueFd::reset(int fd)
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  m_fd = fd;
}

int write_fully(int fd, std::string_view data)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return errno;
    }
    if (n == 0) {
      return EIO;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

} // namespace ccaas
