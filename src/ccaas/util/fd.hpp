#pragma once

#include <string_view>

namespace ccaas {

// An owned file descriptor, closed when it goes.
class UniqueFd
{
public:
  explicit UniqueFd(int fd = -1)
    : m_fd(fd)
  {
  }
  ~UniqueFd();
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept
    : m_fd(other.release())
  {
  }
  UniqueFd& operator=(UniqueFd&& other) noexcept
  {
    if (this != &other) {
      reset(other.release());
    }
    return *this;
  }

  int get() const { return m_fd; }
  void reset(int fd = -1);
  int release()
  {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }

private:
  int m_fd;
};

// Writes all of data, retrying after interruptions and short writes. Returns 0, or the errno of
// the write that failed.
int write_fully(int fd, std::string_view data);

} // namespace ccaas
